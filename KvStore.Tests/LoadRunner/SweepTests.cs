using System.Globalization;
using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.LoadRunner.Reporting;

namespace KvStore.Tests.LoadRunner;

[Collection(LoadClusterGroup.Name)]
public sealed class SweepTests(LoadCluster fixture)
{
    [Fact]
    public async Task Sweep_measures_five_quorums_above_the_lag_floor_and_writes_json_markdown_and_svg()
    {
        using var dir = new TempDirectory();

        var result = await LoadRunnerCli.RunAsync(
            "sweep", "--leader", fixture.Cluster.LeaderUrl,
            "--min-delay", Invariant(LoadCluster.MinDelay), "--max-delay", Invariant(LoadCluster.MaxDelay), "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("sweep.json")));
        var rows = json.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        Assert.Equal([1, 2, 3, 4, 5], rows.Select(r => r.GetProperty("quorum").GetInt32()));
        foreach (var row in rows)
        {
            var quorum = row.GetProperty("quorum").GetInt32();
            var mean = row.GetProperty("meanMs").GetDouble();
            Assert.True(mean >= LoadCluster.FloorMs(quorum), $"quorum {quorum}: mean {mean} ms is below the lag floor {LoadCluster.FloorMs(quorum)} ms");
            Assert.Equal(0, row.GetProperty("errors").GetInt64());
            Assert.Equal(100, row.GetProperty("writes").GetInt64()); // the reference labs' 10 clients × 10 writes
            Assert.InRange(row.GetProperty("followersMatchingImmediately").GetInt32(), 0, 5);
            Assert.True(row.GetProperty("consistentAfterSettle").GetBoolean());
            Assert.True(row.GetProperty("opsPerSec").GetDouble() > 0);
            var p50 = row.GetProperty("p50Ms").GetDouble();
            var p95 = row.GetProperty("p95Ms").GetDouble();
            var p99 = row.GetProperty("p99Ms").GetDouble();
            Assert.True(p50 <= p95 && p95 <= p99 && p99 <= row.GetProperty("maxMs").GetDouble(), row.GetRawText());
        }

        var markdown = await File.ReadAllTextAsync(dir.File("sweep.md"));
        for (var q = 1; q <= 5; q++)
            Assert.Contains($"\n| {q} | ", markdown, StringComparison.Ordinal);

        var svg = PlotSvg.Parse(await File.ReadAllTextAsync(dir.File("sweep.svg")));
        var ticks = Assert.Single(svg.TickRows("1", "2", "3", "4", "5"));
        foreach (var (name, colour, _) in SweepPlot.Series)
        {
            var points = svg.Points(colour.ToStringRGB());
            Assert.True(points.Count == 5 && points.Zip(ticks).All(p => Math.Abs(p.First.X - p.Second) < 0.5),
                $"{name}: points at x {string.Join(", ", points.Select(p => p.X))}, quorum ticks at {string.Join(", ", ticks)}");
        }

        Assert.Equal(["mean", "p50", "p95", "p99", SweepPlot.FloorLegend], svg.Legend);
        Assert.Single(svg.Filled(SweepPlot.FloorColour.ToStringRGB()));
        Assert.True(new FileInfo(dir.File("sweep.png")).Length > 0, "sweep.png beside sweep.svg");
        Assert.Contains("write latency against quorum", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quorum_larger_than_the_cluster_is_a_usage_error()
    {
        var result = await LoadRunnerCli.RunAsync("sweep", "--leader", fixture.Cluster.LeaderUrl, "--quorums", "4-6");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("quorum 6", result.Error, StringComparison.Ordinal);
        Assert.Contains("5 follower(s)", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Ctrl_C_during_a_sweep_keeps_the_rows_measured_so_far()
    {
        using var dir = new TempDirectory();
        using var interrupt = new CancellationTokenSource();

        var running = LoadRunnerCli.RunAsync(
            ["sweep", "--leader", fixture.Cluster.LeaderUrl, "--clients", "2", "--writes", "100000", "--warmup", "0", "--out", dir.Path],
            null, interrupt.Token);
        await Interrupt.OnceWritesFlowAsync(fixture.Cluster, interrupt);
        var result = await running;

        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("sweep.json")));
        Assert.True(json.RootElement.GetProperty("interrupted").GetBoolean());
        var row = Assert.Single(json.RootElement.GetProperty("rows").EnumerateArray());
        Assert.True(row.GetProperty("interrupted").GetBoolean());
        Assert.True(row.GetProperty("writes").GetInt64() > 0);
        Assert.Contains("interrupted", result.Output, StringComparison.Ordinal);
    }

    private static string Invariant(double value) => value.ToString(CultureInfo.InvariantCulture);
}
