using ScottPlot;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// <c>staleness.svg</c> and <c>staleness.png</c>: two ScottPlot panels side by side beneath one title, the stale-read
/// share against write quorum (the min_version pass as its own, unjoined marker) beside write latency against quorum,
/// so the price of fresher reads is read off next to them.
/// </summary>
internal static class StalenessPlot
{
    public const string Title = "Stale follower reads and write latency against write quorum";
    public const int PanelWidth = 420;
    public const int PanelHeight = 380;
    public const int HeaderHeight = 56;

    public static readonly Color StaleColour = Color.FromHex("#d62728");
    public static readonly Color MinVersionColour = Color.FromHex("#2ca02c");
    public static readonly Color MeanColour = Color.FromHex("#1f77b4");
    public static readonly Color P99Colour = Color.FromHex("#ff7f0e");

    public static PlotImages Render(IReadOnlyList<StalenessRow> rows, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(rows);
        var plain = rows.Where(r => !r.MinVersion).OrderBy(r => r.Quorum).ToArray();
        var waiting = rows.Where(r => r.MinVersion).OrderBy(r => r.Quorum).ToArray();
        var quorums = rows.Select(r => r.Quorum).DefaultIfEmpty(0).ToArray();
        var (qMin, qMax) = (quorums.Min(), quorums.Max());

        using var header = PlotFont.NewPlot();
        header.HideAxesAndGrid();
        PlotParts.Titles(header, Title, subtitle);

        using var stale = Panel("stale reads (% of reads)", qMin, qMax,
        [
            ("stale share", StaleColour, plain.Select(r => (r.Quorum, r.StaleShare * 100)).ToArray(), true),
            ("with min_version", MinVersionColour, waiting.Select(r => (r.Quorum, r.StaleShare * 100)).ToArray(), false),
        ]);
        using var latency = Panel("write latency (ms)", qMin, qMax,
        [
            ("mean", MeanColour, plain.Select(r => (r.Quorum, r.WriteMeanMs)).ToArray(), true),
            ("p99", P99Colour, plain.Select(r => (r.Quorum, r.WriteP99Ms)).ToArray(), true),
        ]);

        var width = 2 * PanelWidth;
        return PlotImages.Render(width, HeaderHeight + PanelHeight,
            (header, new PixelRect(0, width, HeaderHeight, 0)),
            (stale, new PixelRect(0, PanelWidth, HeaderHeight + PanelHeight, HeaderHeight)),
            (latency, new PixelRect(PanelWidth, width, HeaderHeight + PanelHeight, HeaderHeight)));
    }

    private static Plot Panel(string yLabel, int qMin, int qMax, (string Name, Color Colour, (int Quorum, double Value)[] Points, bool Joined)[] series)
    {
        var plot = PlotFont.NewPlot();
        PlotParts.QuorumAxis(plot, qMin, qMax, "write quorum");
        foreach (var (name, colour, points, joined) in series.Where(s => s.Points.Length > 0))
            PlotParts.Line(plot, name, colour, points, joined);
        PlotParts.ValueAxis(plot, yLabel, series.SelectMany(s => s.Points.Select(p => p.Value)).DefaultIfEmpty(0).Max());
        plot.ShowLegend(Edge.Bottom);
        return plot;
    }
}
