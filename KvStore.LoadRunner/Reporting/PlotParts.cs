using ScottPlot;
using ScottPlot.Panels;
using ScottPlot.TickGenerators;

namespace KvStore.LoadRunner.Reporting;

/// <summary>The pieces the load runner's plots share, so the sweep and staleness figures look alike.</summary>
internal static class PlotParts
{
    public const float AxisLabelSize = 14;

    public static readonly Color SubtitleColour = Color.FromHex("#444444");

    /// <summary>A bold title with the run's settings beneath it in smaller grey type.</summary>
    public static void Titles(Plot plot, string title, string subtitle)
    {
        ArgumentNullException.ThrowIfNull(plot);
        plot.Title(title, 16);
        plot.Axes.Title.Label.Bold = true;
        plot.Axes.Title.IsVisible = true;
        var sub = new TitlePanel();
        sub.Label.Text = subtitle;
        sub.Label.FontSize = 12;
        sub.Label.Bold = false;
        sub.Label.ForeColor = SubtitleColour;
        plot.Axes.AddPanel(sub);
    }

    /// <summary>One tick per quorum and half a quorum of margin either side, so the end points stay off the frame.</summary>
    public static void QuorumAxis(Plot plot, int qMin, int qMax, string label)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var ticks = new NumericManual();
        for (var q = qMin; q <= qMax; q++)
            ticks.AddMajor(q, q.ToString(System.Globalization.CultureInfo.InvariantCulture));
        plot.Axes.Bottom.TickGenerator = ticks;
        plot.Axes.SetLimitsX(qMin - 0.5, qMax + 0.5);
        plot.XLabel(label, AxisLabelSize);
        plot.Axes.Bottom.Label.Bold = false;
    }

    /// <summary>Points joined by a line, or with <paramref name="joined"/> false markers alone.</summary>
    public static void Line(Plot plot, string name, Color colour, (int Quorum, double Value)[] points, bool joined = true)
    {
        ArgumentNullException.ThrowIfNull(plot);
        ArgumentNullException.ThrowIfNull(points);
        var scatter = plot.Add.Scatter(points.Select(p => (double)p.Quorum).ToArray(), points.Select(p => p.Value).ToArray(), colour);
        scatter.LegendText = name;
        scatter.LineWidth = joined ? 2 : 0;
        scatter.MarkerShape = MarkerShape.FilledCircle;
        scatter.MarkerSize = joined ? 7 : 10;
    }

    /// <summary>
    /// The value axis from zero, with headroom above the highest point and a sliver below zero, so a point at zero
    /// (no stale read at all) shows whole instead of cut in half by the frame.
    /// </summary>
    public static void ValueAxis(Plot plot, string label, double highest)
    {
        ArgumentNullException.ThrowIfNull(plot);
        var top = highest > 0 ? highest * 1.08 : 1;
        plot.Axes.SetLimitsY(-top * 0.03, top);
        plot.YLabel(label, AxisLabelSize);
        plot.Axes.Left.Label.Bold = false;
    }
}
