using System.Globalization;
using System.Text.RegularExpressions;
using System.Xml.Linq;

namespace KvStore.Tests.LoadRunner;

/// <summary>
/// Reads a ScottPlot SVG the way a reader looks at the plot: its words, where its tick labels sit, and the markers
/// of each colour. Skia writes each text as a <c>&lt;text transform="translate(x y)"&gt;</c> anchored at its tick,
/// each marker as an <c>&lt;ellipse&gt;</c> with its colour as fill, and the legend as the one group holding text.
/// </summary>
internal sealed partial class PlotSvg
{
    public static readonly XNamespace Ns = "http://www.w3.org/2000/svg";

    private PlotSvg(XDocument document) => Document = document;

    public XDocument Document { get; }

    public static PlotSvg Parse(string svg)
    {
        var document = XDocument.Parse(svg);
        Assert.Equal(Ns + "svg", document.Root!.Name);
        return new PlotSvg(document);
    }

    public IReadOnlyList<string> Texts => Document.Descendants(Ns + "text").Select(Content).ToArray();

    /// <summary>The entries of the legend, in its order.</summary>
    public IReadOnlyList<string> Legend =>
        Document.Descendants(Ns + "g").Where(g => g.Elements(Ns + "text").Any()).SelectMany(g => g.Elements(Ns + "text")).Select(Content).ToArray();

    /// <summary>
    /// The x positions of each run of tick labels reading <paramref name="labels"/> left to right on one row, one
    /// list per run (a figure of two panels has two).
    /// </summary>
    public IReadOnlyList<double[]> TickRows(params string[] labels)
    {
        var placed = Document.Descendants(Ns + "text")
            .Select(t => (Text: Content(t), At: Translation(t)))
            .Where(t => t.At is not null && labels.Contains(t.Text))
            .Select(t => (t.Text, X: t.At!.Value.X, Y: t.At!.Value.Y))
            .ToArray();
        var rows = new List<double[]>();
        foreach (var row in placed.GroupBy(t => Math.Round(t.Y, 1)))
        {
            var ordered = row.OrderBy(t => t.X).ToArray();
            for (var i = 0; i + labels.Length <= ordered.Length; i += labels.Length)
            {
                var run = ordered.Skip(i).Take(labels.Length).ToArray();
                if (run.Select(t => t.Text).SequenceEqual(labels))
                    rows.Add(run.Select(t => t.X).ToArray());
            }
        }

        return rows.OrderBy(r => r[0]).ToArray();
    }

    /// <summary>The y position of the value axis's tick label <paramref name="label"/>, left to right per panel.</summary>
    public IReadOnlyList<double> ValueTicks(string label) =>
        Document.Descendants(Ns + "text").Where(t => Content(t) == label).Select(Translation).OfType<(double X, double Y)>()
            .GroupBy(p => Math.Round(p.X, 1)).Select(g => g.First()).OrderBy(p => p.X).Select(p => p.Y).ToArray();

    /// <summary>The centres of the data markers of <paramref name="hexColour"/> (<c>#RRGGBB</c>), legend left out, left to right.</summary>
    public IReadOnlyList<(double X, double Y)> Points(string hexColour) =>
        Document.Descendants(Ns + "ellipse")
            .Where(e => string.Equals((string?)e.Attribute("fill"), hexColour, StringComparison.OrdinalIgnoreCase))
            .Where(e => !InLegend(e))
            .Select(e => (X: Number(e, "cx"), Y: Number(e, "cy")))
            .OrderBy(p => p.X)
            .ToArray();

    /// <summary>
    /// Each filled path of <paramref name="hexColour"/> outside the legend, with its count of dashes and its extent
    /// across: Skia writes a dashed line as one filled path, a quad per dash.
    /// </summary>
    public IReadOnlyList<(int Dashes, double MinX, double MaxX)> Filled(string hexColour) =>
        Document.Descendants(Ns + "path")
            .Where(p => ShortHex(hexColour).Contains((string?)p.Attribute("fill") ?? "", StringComparer.OrdinalIgnoreCase) && !InLegend(p))
            .Select(p => (string)p.Attribute("d")!)
            .Select(d => (Dashes: d.Count(c => c == 'M'), Xs: Vertex().Matches(d).Select(m => double.Parse(m.Groups[1].Value, CultureInfo.InvariantCulture)).ToArray()))
            .Select(p => (p.Dashes, p.Xs.Min(), p.Xs.Max()))
            .ToArray();

    private static string[] ShortHex(string hex) =>
        hex.Length == 7 && hex[1] == hex[2] && hex[3] == hex[4] && hex[5] == hex[6] ? [hex, $"#{hex[1]}{hex[3]}{hex[5]}"] : [hex];

    private static bool InLegend(XElement element) => element.Parent?.Elements(Ns + "text").Any() ?? false;

    private static string Content(XElement text) => text.Value.Trim();

    private static double Number(XElement element, string attribute) =>
        double.Parse((string)element.Attribute(attribute)!, CultureInfo.InvariantCulture);

    private static (double X, double Y)? Translation(XElement text)
    {
        var match = Translate().Match((string?)text.Attribute("transform") ?? "");
        return match.Success
            ? (double.Parse(match.Groups[1].Value, CultureInfo.InvariantCulture), double.Parse(match.Groups[2].Value, CultureInfo.InvariantCulture))
            : null;
    }

    [GeneratedRegex(@"^translate\(([-\d.]+) ([-\d.]+)\)$")]
    private static partial Regex Translate();

    [GeneratedRegex(@"[ML]([-\d.]+) [-\d.]+")]
    private static partial Regex Vertex();
}
