using KvStore.LoadRunner.Measurement;
using ScottPlot;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// <c>sweep.svg</c> and <c>sweep.png</c>: latency against write quorum, one line per statistic, and the dashed
/// theoretical floor of the lag distribution beneath them, drawn by ScottPlot.
/// </summary>
internal static class SweepPlot
{
    public const string Title = "Write latency against write quorum";
    public const string FloorLegend = "lag floor";
    public const int Width = 760;
    public const int Height = 460;

    public static readonly Color FloorColour = Color.FromHex("#555555");

    public static readonly (string Name, Color Colour, Func<SweepRow, double> Value)[] Series =
    [
        ("mean", Color.FromHex("#1f77b4"), r => r.MeanMs),
        ("p50", Color.FromHex("#2ca02c"), r => r.P50Ms),
        ("p95", Color.FromHex("#ff7f0e"), r => r.P95Ms),
        ("p99", Color.FromHex("#d62728"), r => r.P99Ms),
    ];

    public static PlotImages Render(IReadOnlyList<SweepRow> rows, LagFloor floor, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(rows);
        // A quorum whose every write failed has no latency to show.
        var points = rows.Where(r => r.Writes > r.Errors).OrderBy(r => r.Quorum).ToArray();
        var quorums = rows.Select(r => r.Quorum).DefaultIfEmpty(1).ToArray();
        var (qMin, qMax) = (quorums.Min(), quorums.Max());

        using var plot = PlotFont.NewPlot();
        PlotParts.Titles(plot, Title, subtitle);
        PlotParts.QuorumAxis(plot, qMin, qMax, "write quorum (followers that must acknowledge)");

        if (points.Length > 0)
        {
            foreach (var (name, colour, value) in Series)
                PlotParts.Line(plot, name, colour, points.Select(r => (r.Quorum, value(r))).ToArray());
        }

        // Added last, so the legend lists it after the measured series.
        var floorQuorums = Enumerable.Range(qMin, qMax - qMin + 1).ToArray();
        var floorLine = plot.Add.ScatterLine(floorQuorums.Select(q => (double)q).ToArray(), floorQuorums.Select(floor.FloorMs).ToArray(), FloorColour);
        floorLine.LineWidth = 2;
        floorLine.LinePattern = LinePattern.Dashed;
        floorLine.LegendText = FloorLegend;

        var highest = points.SelectMany(r => Series.Select(s => s.Value(r))).Concat(floorQuorums.Select(floor.FloorMs)).DefaultIfEmpty(0).Max();
        PlotParts.ValueAxis(plot, "latency (ms)", highest);
        plot.ShowLegend(Edge.Right);
        return PlotImages.Render(Width, Height, (plot, new PixelRect(0, Width, Height, 0)));
    }
}
