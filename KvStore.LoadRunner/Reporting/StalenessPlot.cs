using System.Globalization;
using System.Xml.Linq;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// <c>staleness.svg</c>: two panels side by side in the sweep plot's style, the stale-read share against write
/// quorum (the min_version pass as its own marker) beside write latency against quorum, so the price of fresher
/// reads is read off next to them. Each point carries <c>data-quorum</c> and <c>data-value</c>.
/// </summary>
internal static class StalenessPlot
{
    private const double PanelWidth = 420;
    private const double Height = 420;
    private const double Left = 64;
    private const double Right = 24;
    private const double Top = 70;
    private const double Bottom = 60;

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    public static string Render(IReadOnlyList<StalenessRow> rows, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var plain = rows.Where(r => !r.MinVersion).OrderBy(r => r.Quorum).ToArray();
        var waiting = rows.Where(r => r.MinVersion).ToArray();
        var width = 2 * PanelWidth;
        var svg = new XElement(Svg + "svg",
            new XAttribute("width", width), new XAttribute("height", Height), new XAttribute("viewBox", $"0 0 {width} {Height}"),
            new XAttribute("font-family", "system-ui, sans-serif"), new XAttribute("font-size", 12),
            new XElement(Svg + "title", "Stale follower reads and write latency against write quorum"),
            new XElement(Svg + "rect", new XAttribute("width", width), new XAttribute("height", Height), new XAttribute("fill", "white")),
            Text(Left, 26, "Stale follower reads and write latency against write quorum", ("font-size", "16"), ("font-weight", "bold")),
            Text(Left, 44, subtitle, ("fill", "#444")));

        var quorums = rows.Select(r => r.Quorum).DefaultIfEmpty(0).ToArray();
        var (qMin, qMax) = (quorums.Min(), quorums.Max());
        svg.Add(Panel(0, "stale reads (% of reads)", qMin, qMax,
        [
            ("stale share", "#d62728", plain.Select(r => (r.Quorum, r.StaleShare * 100)).ToArray(), true),
            ("with min_version", "#2ca02c", waiting.Select(r => (r.Quorum, r.StaleShare * 100)).ToArray(), false),
        ]));
        svg.Add(Panel(PanelWidth, "write latency (ms)", qMin, qMax,
        [
            ("mean", "#1f77b4", plain.Select(r => (r.Quorum, r.WriteMeanMs)).ToArray(), true),
            ("p99", "#ff7f0e", plain.Select(r => (r.Quorum, r.WriteP99Ms)).ToArray(), true),
        ]));
        return new XDocument(svg).ToString();
    }

    private static XElement Panel(double x0, string yLabel, int qMin, int qMax, (string Name, string Colour, (int Quorum, double Value)[] Points, bool Joined)[] series)
    {
        var panel = new XElement(Svg + "g", new XAttribute("class", "panel"));
        var highest = series.SelectMany(s => s.Points.Select(p => p.Value)).DefaultIfEmpty(0).Max();
        var step = SweepPlot.NiceStep(highest, 5);
        var yMax = Math.Max(step, Math.Ceiling(highest / step) * step);
        double X(double quorum) => x0 + Left + (quorum - (qMin - 0.5)) / (qMax - qMin + 1) * (PanelWidth - Left - Right);
        double Y(double value) => Height - Bottom - value / yMax * (Height - Top - Bottom);

        for (var i = 0; i * step <= yMax + step / 2; i++)
        {
            panel.Add(Line(x0 + Left, Y(i * step), x0 + PanelWidth - Right, Y(i * step), "#e4e4e4"));
            panel.Add(Text(x0 + Left - 8, Y(i * step) + 4, Number(i * step), ("text-anchor", "end")));
        }

        foreach (var q in Enumerable.Range(qMin, qMax - qMin + 1))
            panel.Add(Line(X(q), Height - Bottom, X(q), Height - Bottom + 5, "#333"), Text(X(q), Height - Bottom + 19, Number(q), ("text-anchor", "middle")));
        panel.Add(Line(x0 + Left, Top, x0 + Left, Height - Bottom, "#333"), Line(x0 + Left, Height - Bottom, x0 + PanelWidth - Right, Height - Bottom, "#333"));
        panel.Add(Text(x0 + (Left + PanelWidth - Right) / 2, Height - 18, "write quorum", ("text-anchor", "middle")));
        var middle = (Top + Height - Bottom) / 2;
        panel.Add(Text(x0 + 18, middle, yLabel, ("text-anchor", "middle"), ("transform", $"rotate(-90 {Number(x0 + 18)} {Number(middle)})")));

        for (var s = 0; s < series.Length; s++)
        {
            var (name, colour, points, joined) = series[s];
            panel.Add(Line(x0 + Left + 8 + s * 130, Top - 12, x0 + Left + 32 + s * 130, Top - 12, colour, 2), Text(x0 + Left + 38 + s * 130, Top - 8, name));
            if (joined)
            {
                panel.Add(new XElement(Svg + "polyline", new XAttribute("class", "series"),
                    new XAttribute("points", string.Join(' ', points.Select(p => $"{Number(X(p.Quorum))},{Number(Y(p.Value))}"))),
                    new XAttribute("fill", "none"), new XAttribute("stroke", colour), new XAttribute("stroke-width", 2)));
            }

            foreach (var (quorum, value) in points)
            {
                panel.Add(new XElement(Svg + "circle", new XAttribute("class", "point"),
                    new XAttribute("data-series", name), new XAttribute("data-quorum", quorum), new XAttribute("data-value", Number(value)),
                    new XAttribute("cx", Number(X(quorum))), new XAttribute("cy", Number(Y(value))), new XAttribute("r", joined ? 3.5 : 5),
                    new XAttribute("fill", colour), new XElement(Svg + "title", $"{name} at quorum {quorum}: {Number(value)}")));
            }
        }

        return panel;
    }

    private static XElement Line(double x1, double y1, double x2, double y2, string colour, double width = 1) =>
        new(Svg + "line",
            new XAttribute("x1", Number(x1)), new XAttribute("y1", Number(y1)), new XAttribute("x2", Number(x2)), new XAttribute("y2", Number(y2)),
            new XAttribute("stroke", colour), new XAttribute("stroke-width", width));

    private static XElement Text(double x, double y, string content, params (string Name, string Value)[] attributes)
    {
        var text = new XElement(Svg + "text", new XAttribute("x", Number(x)), new XAttribute("y", Number(y)), content);
        foreach (var (name, value) in attributes)
            text.Add(new XAttribute(name, value));
        return text;
    }

    private static string Number(double value) => Math.Round(value, 2).ToString("0.##", CultureInfo.InvariantCulture);
}
