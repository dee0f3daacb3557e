using KvStore.LoadRunner.Measurement;
using KvStore.LoadRunner.Reporting;
using ScottPlot;
using SkiaSharp;

namespace KvStore.Tests.LoadRunner;

/// <summary>
/// The sweep and staleness plots rendered from made-up rows, no cluster: what a reader of <c>sweep.svg</c>,
/// <c>staleness.svg</c> and the PNGs beside them would look for.
/// </summary>
public sealed class PlotTests
{
    private const string Subtitle = "10 clients × 10 writes per quorum, 5 followers, lag uniform(2 ms, 20 ms)";
    private static readonly string[] Quorums = ["1", "2", "3", "4", "5"];
    private static readonly LagFloor Floor = new(0.002, 0.02, 5);

    [Fact]
    public void The_sweep_plot_puts_each_percentile_on_the_five_quorum_ticks_above_a_dashed_floor()
    {
        var rows = Enumerable.Range(1, 5).Select(q => Row(q, mean: 4 + 2 * q, p50: 3.5 + 2 * q, p95: 6 + 2.5 * q, p99: 8 + 3 * q)).ToArray();

        var plot = SweepPlot.Render(rows, Floor, Subtitle);

        var svg = PlotSvg.Parse(plot.Svg);
        Assert.Contains(SweepPlot.Title, svg.Texts);
        Assert.Contains(Subtitle, svg.Texts);
        Assert.Contains("latency (ms)", svg.Texts);
        Assert.Contains("write quorum (followers that must acknowledge)", svg.Texts);
        Assert.Equal(["mean", "p50", "p95", "p99", "lag floor"], svg.Legend);
        var ticks = Assert.Single(svg.TickRows(Quorums));

        var byName = SweepPlot.Series.ToDictionary(s => s.Name, s => svg.Points(s.Colour.ToStringRGB()));
        foreach (var (name, points) in byName)
        {
            Assert.True(points.Count == 5, $"{name}: {points.Count} points");
            for (var i = 0; i < 5; i++)
                Assert.True(Math.Abs(points[i].X - ticks[i]) < 0.5, $"{name} at quorum {i + 1} is at x {points[i].X}, its tick at {ticks[i]}");
        }

        // Higher latency is drawn higher up, that is at a smaller y.
        for (var i = 0; i < 5; i++)
            Assert.True(byName["p50"][i].Y > byName["p95"][i].Y && byName["p95"][i].Y > byName["p99"][i].Y, $"quorum {i + 1}: p50, p95, p99 out of order");

        var floor = Assert.Single(svg.Filled(SweepPlot.FloorColour.ToStringRGB()));
        Assert.True(floor.Dashes > 5, $"the lag floor is drawn as {floor.Dashes} dash(es)");
        Assert.InRange(floor.MinX, ticks[0] - 3, ticks[0] + 3);
        Assert.InRange(floor.MaxX, ticks[4] - 15, ticks[4] + 3);

        AssertPng(plot.Png, SweepPlot.Width, SweepPlot.Height);
    }

    [Fact]
    public void A_sweep_whose_every_write_failed_still_plots_the_quorums_and_the_floor()
    {
        var rows = Enumerable.Range(1, 5).Select(q => Row(q, 0, 0, 0, 0) with { Errors = 100 }).ToArray();

        var svg = PlotSvg.Parse(SweepPlot.Render(rows, Floor, Subtitle).Svg);

        Assert.Single(svg.TickRows(Quorums));
        Assert.Single(svg.Filled(SweepPlot.FloorColour.ToStringRGB()));
        Assert.All(SweepPlot.Series, s => Assert.Empty(svg.Points(s.Colour.ToStringRGB())));
    }

    [Fact]
    public void The_staleness_plot_shows_stale_share_and_min_version_beside_write_latency()
    {
        StalenessRow[] rows = [Stale(1, false, 0.45, 6, 12), Stale(5, false, 0, 19, 24), Stale(1, true, 0, 6.5, 13)];

        var plot = StalenessPlot.Render(rows, Subtitle);

        var svg = PlotSvg.Parse(plot.Svg);
        Assert.Contains(StalenessPlot.Title, svg.Texts);
        Assert.Contains(Subtitle, svg.Texts);
        Assert.Contains("stale reads (% of reads)", svg.Texts);
        Assert.Contains("write latency (ms)", svg.Texts);
        Assert.Equal(["stale share", "with min_version", "mean", "p99"], svg.Legend);
        var ticks = svg.TickRows(Quorums);
        Assert.Equal(2, ticks.Count);
        var (left, right) = (ticks[0], ticks[1]);
        Assert.True(right[0] > left[4], "the latency panel is to the right of the stale-read panel");

        var stale = svg.Points(StalenessPlot.StaleColour.ToStringRGB());
        Assert.Equal([left[0], left[4]], stale.Select(p => p.X), Near);
        var waiting = Assert.Single(svg.Points(StalenessPlot.MinVersionColour.ToStringRGB()));
        Assert.Equal(left[0], waiting.X, Near);
        // No stale read with min_version: its marker sits on the zero line, and whole, not cut off by the frame.
        Assert.Equal(svg.ValueTicks("0")[0], waiting.Y, Near);
        Assert.True(waiting.Y > stale[0].Y, "45 % stale at quorum 1 is drawn above 0 %");
        foreach (var colour in new[] { StalenessPlot.MeanColour, StalenessPlot.P99Colour })
            Assert.Equal([right[0], right[4]], svg.Points(colour.ToStringRGB()).Select(p => p.X), Near);

        AssertPng(plot.Png, 2 * StalenessPlot.PanelWidth, StalenessPlot.HeaderHeight + StalenessPlot.PanelHeight);
    }

    [Fact]
    public void Plots_are_drawn_in_the_embedded_font_whatever_the_machine_has()
    {
        _ = PlotFont.NewPlot();

        // Shared, cached typefaces: not to be disposed here.
        var regular = Fonts.GetTypeface(PlotFont.Name, bold: false, italic: false);
        var bold = Fonts.GetTypeface(PlotFont.Name, bold: true, italic: false);
        Assert.Equal("Liberation Sans", regular.FamilyName);
        Assert.True(regular.GlyphCount > 0);
        Assert.True(bold.FontStyle.Weight >= (int)SKFontStyleWeight.Bold, $"bold weight {bold.FontStyle.Weight}");
        var svg = SweepPlot.Render([Row(1, 5, 5, 6, 7)], Floor, Subtitle).Svg;
        Assert.Contains("font-family=\"Liberation Sans, Arial, Helvetica, sans-serif\"", svg, StringComparison.Ordinal);
    }

    private static readonly IEqualityComparer<double> Near = EqualityComparer<double>.Create((a, b) => Math.Abs(a - b) < 1, _ => 0);

    /// <summary>A PNG of the plot's size, with dark pixels in its title band: text was drawn, not left out for want of a font.</summary>
    private static void AssertPng(byte[] png, int width, int height)
    {
        using var bitmap = SKBitmap.Decode(png);
        Assert.NotNull(bitmap);
        Assert.Equal((width, height), (bitmap.Width, bitmap.Height));
        var dark = 0;
        for (var y = 0; y < 30; y++)
        {
            for (var x = 0; x < width; x++)
            {
                var pixel = bitmap.GetPixel(x, y);
                if (pixel.Red + pixel.Green + pixel.Blue < 200)
                    dark++;
            }
        }

        Assert.True(dark > 100, $"{dark} dark pixel(s) where the title is");
    }

    private static SweepRow Row(int quorum, double mean, double p50, double p95, double p99) =>
        new(quorum, mean, p50, p95, p99, p99 + 1, 100, 0, null, null, Floor.FloorMs(quorum), 100, null, null, null, null);

    private static StalenessRow Stale(int quorum, bool minVersion, double share, double writeMean, double writeP99) =>
        new(quorum, minVersion, 60, (int)(share * 60), share, null, null, null, null, null, 0, writeMean, writeMean, writeP99, 0, 0,
            new Dictionary<string, int>());
}
