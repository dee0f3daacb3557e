using System.Globalization;
using System.Xml.Linq;
using KvStore.LoadRunner.Measurement;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// <c>sweep.svg</c>: latency against write quorum, one line per statistic, and the dashed theoretical floor of the
/// lag distribution beneath them. Hand-written SVG (no plotting package is available here), built as an XML tree so
/// it is always well-formed; each data point carries <c>data-quorum</c>/<c>data-ms</c> for scripts and tests.
/// </summary>
internal static class SweepPlot
{
    private const double Width = 760;
    private const double Height = 460;
    private const double Left = 70;
    private const double Right = 150;
    private const double Top = 64;
    private const double Bottom = 64;
    private const string FloorColour = "#555555";

    private static readonly XNamespace Svg = "http://www.w3.org/2000/svg";

    private static readonly (string Name, string Colour, Func<SweepRow, double> Value)[] Series =
    [
        ("mean", "#1f77b4", r => r.MeanMs),
        ("p50", "#2ca02c", r => r.P50Ms),
        ("p95", "#ff7f0e", r => r.P95Ms),
        ("p99", "#d62728", r => r.P99Ms),
    ];

    public static string Render(IReadOnlyList<SweepRow> rows, LagFloor floor, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var points = rows.Where(r => r.Writes > r.Errors).OrderBy(r => r.Quorum).ToArray();
        var quorums = points.Select(r => r.Quorum).DefaultIfEmpty(1).ToArray();
        var (qMin, qMax) = (quorums.Min(), quorums.Max());
        var highest = points.SelectMany(r => Series.Select(s => s.Value(r))).Concat(quorums.Select(floor.FloorMs)).DefaultIfEmpty(0).Max();
        var step = NiceStep(highest, 6);
        var yMax = Math.Max(step, Math.Ceiling(highest / step) * step);

        // Half a quorum of margin either side keeps the first and last points off the axes.
        double X(double quorum) => Left + (quorum - (qMin - 0.5)) / (qMax - qMin + 1) * (Width - Left - Right);
        double Y(double ms) => Height - Bottom - ms / yMax * (Height - Top - Bottom);

        var svg = new XElement(Svg + "svg",
            new XAttribute("width", Width), new XAttribute("height", Height),
            new XAttribute("viewBox", $"0 0 {Width} {Height}"),
            new XAttribute("font-family", "system-ui, sans-serif"), new XAttribute("font-size", 12),
            new XElement(Svg + "title", "Write latency against write quorum"),
            new XElement(Svg + "rect", new XAttribute("width", Width), new XAttribute("height", Height), new XAttribute("fill", "white")),
            Text(Left, 26, "Write latency against write quorum", ("font-size", "16"), ("font-weight", "bold")),
            Text(Left, 44, subtitle, ("fill", "#444")));

        for (var i = 0; i * step <= yMax + step / 2; i++)
        {
            var tick = i * step;
            svg.Add(Line(Left, Y(tick), Width - Right, Y(tick), "#e4e4e4"));
            svg.Add(Text(Left - 8, Y(tick) + 4, Number(tick), ("text-anchor", "end")));
        }

        foreach (var q in Enumerable.Range(qMin, qMax - qMin + 1))
        {
            svg.Add(Line(X(q), Height - Bottom, X(q), Height - Bottom + 5, "#333"));
            svg.Add(Text(X(q), Height - Bottom + 19, Number(q), ("text-anchor", "middle")));
        }

        svg.Add(Line(Left, Top, Left, Height - Bottom, "#333"), Line(Left, Height - Bottom, Width - Right, Height - Bottom, "#333"));
        svg.Add(Text((Left + Width - Right) / 2, Height - 18, "write quorum (followers that must acknowledge)", ("text-anchor", "middle")));
        svg.Add(Text(18, (Top + Height - Bottom) / 2, "latency (ms)", ("text-anchor", "middle"),
            ("transform", $"rotate(-90 18 {Number((Top + Height - Bottom) / 2)})")));

        var floorPoints = Enumerable.Range(qMin, qMax - qMin + 1).Select(q => (X(q), Y(floor.FloorMs(q))));
        svg.Add(Polyline(floorPoints, FloorColour, "floor", ("stroke-dasharray", "6 4")));

        foreach (var (name, colour, value) in Series)
        {
            svg.Add(Polyline(points.Select(r => (X(r.Quorum), Y(value(r)))), colour, $"series series-{name}"));
            foreach (var row in points)
            {
                svg.Add(new XElement(Svg + "circle",
                    new XAttribute("class", $"point series-{name}"),
                    new XAttribute("data-quorum", row.Quorum), new XAttribute("data-ms", Number(value(row))),
                    new XAttribute("cx", Number(X(row.Quorum))), new XAttribute("cy", Number(Y(value(row)))),
                    new XAttribute("r", 3.5), new XAttribute("fill", colour),
                    new XElement(Svg + "title", $"{name} at quorum {row.Quorum}: {Format.Ms(value(row))} ms")));
            }
        }

        svg.Add(Legend(Width - Right + 16, Top + 8));
        return new XDocument(svg).ToString();
    }

    private static XElement Legend(double x, double y)
    {
        var legend = new XElement(Svg + "g", new XAttribute("class", "legend"));
        var entries = Series.Select(s => (s.Name, s.Colour, Dashed: false)).Append(("lag floor", FloorColour, true)).ToArray();
        for (var i = 0; i < entries.Length; i++)
        {
            var (name, colour, dashed) = entries[i];
            var rowY = y + i * 20;
            var sample = Line(x, rowY, x + 24, rowY, colour, 2);
            if (dashed)
                sample.Add(new XAttribute("stroke-dasharray", "6 4"));
            legend.Add(sample, Text(x + 30, rowY + 4, name));
        }

        return legend;
    }

    /// <summary>A tick step of 1, 2 or 5 × 10^n giving about <paramref name="targetTicks"/> ticks up to <paramref name="max"/>.</summary>
    internal static double NiceStep(double max, int targetTicks)
    {
        if (!(max > 0))
            return 1;
        var raw = max / targetTicks;
        var magnitude = Math.Pow(10, Math.Floor(Math.Log10(raw)));
        var normalised = raw / magnitude;
        return magnitude * (normalised <= 1 ? 1 : normalised <= 2 ? 2 : normalised <= 5 ? 5 : 10);
    }

    private static XElement Polyline(IEnumerable<(double X, double Y)> points, string colour, string cssClass, params (string Name, string Value)[] extra)
    {
        var line = new XElement(Svg + "polyline",
            new XAttribute("class", cssClass),
            new XAttribute("points", string.Join(' ', points.Select(p => $"{Number(p.X)},{Number(p.Y)}"))),
            new XAttribute("fill", "none"), new XAttribute("stroke", colour), new XAttribute("stroke-width", 2));
        foreach (var (name, value) in extra)
            line.Add(new XAttribute(name, value));
        return line;
    }

    private static XElement Line(double x1, double y1, double x2, double y2, string colour, double width = 1) =>
        new(Svg + "line",
            new XAttribute("x1", Number(x1)), new XAttribute("y1", Number(y1)),
            new XAttribute("x2", Number(x2)), new XAttribute("y2", Number(y2)),
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
