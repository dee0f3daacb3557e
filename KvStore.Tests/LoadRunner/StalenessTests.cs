using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.LoadRunner.Reporting;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary>
/// <c>staleness</c> on a cluster of its own with lag well above loopback overhead (2–20 ms), so that at quorum 1 the
/// followers that did not acknowledge are behind for milliseconds even on a loaded machine.
/// </summary>
public sealed class StalenessTests
{
    /// <summary>
    /// One client: at quorum 5 every follower has the write when it is acknowledged. (Not so with concurrent clients:
    /// a follower acknowledges a frame it holds ahead of a predecessor still in flight, so it may not have applied it.)
    /// </summary>
    [Fact]
    public async Task Reads_after_quorum_1_writes_are_often_stale_while_quorum_5_and_min_version_never_are()
    {
        await using var cluster = await StartLaggingClusterAsync();
        using var dir = new TempDirectory();
        var result = await LoadRunnerCli.RunAsync(
            "staleness", "--leader", cluster.LeaderUrl, "--quorums", "1,5", "--clients", "1", "--writes", "60",
            "--min-delay", "0.002", "--max-delay", "0.02", "--out", dir.Path);
        TestContext.Current.TestOutputHelper?.WriteLine(result.Output);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "staleness.json"), TestContext.Current.CancellationToken));
        var rows = report.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        JsonElement Row(int quorum, bool minVersion) =>
            rows.Single(r => r.GetProperty("quorum").GetInt32() == quorum && r.GetProperty("minVersion").GetBoolean() == minVersion);

        var one = Row(1, false);
        Assert.Equal(60, one.GetProperty("reads").GetInt32());
        Assert.True(one.GetProperty("staleShare").GetDouble() > 0.2, one.ToString());
        Assert.True(one.GetProperty("meanVersionsBehind").GetDouble() >= 1, one.ToString());
        Assert.True(one.GetProperty("meanCatchUpMs").GetDouble() > 0, one.ToString());
        Assert.Equal(0, Row(5, false).GetProperty("stale").GetInt32());
        Assert.Equal(0, Row(1, true).GetProperty("stale").GetInt32());
        Assert.True(Row(5, false).GetProperty("writeP50Ms").GetDouble() > one.GetProperty("writeP50Ms").GetDouble(),
            "waiting for all five followers takes longer than for the fastest");

        var svg = PlotSvg.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "staleness.svg"), TestContext.Current.CancellationToken));
        Assert.Equal(["stale share", "with min_version", "mean", "p99"], svg.Legend);
        Assert.Equal(2, svg.Points(StalenessPlot.StaleColour.ToStringRGB()).Count);
        Assert.Single(svg.Points(StalenessPlot.MinVersionColour.ToStringRGB()));
        Assert.Equal(2, svg.Points(StalenessPlot.MeanColour.ToStringRGB()).Count);
        Assert.Equal(2, svg.Points(StalenessPlot.P99Colour.ToStringRGB()).Count);
        Assert.True(new FileInfo(Path.Combine(dir.Path, "staleness.png")).Length > 0, "staleness.png beside staleness.svg");
        Assert.Contains("| 1 + min_version |", await File.ReadAllTextAsync(Path.Combine(dir.Path, "staleness.md"), TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Reads_with_min_version_are_never_stale_even_at_quorum_0_with_concurrent_clients()
    {
        await using var cluster = await StartLaggingClusterAsync();
        using var dir = new TempDirectory();
        var result = await LoadRunnerCli.RunAsync(
            "staleness", "--leader", cluster.LeaderUrl, "--quorums", "0", "--min-version-quorum", "0", "--clients", "4", "--writes", "30", "--out", dir.Path);
        TestContext.Current.TestOutputHelper?.WriteLine(result.Output);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "staleness.json"), TestContext.Current.CancellationToken));
        var rows = report.RootElement.GetProperty("rows").EnumerateArray().ToArray();
        var plain = rows.Single(r => !r.GetProperty("minVersion").GetBoolean());
        var waiting = rows.Single(r => r.GetProperty("minVersion").GetBoolean());
        Assert.True(plain.GetProperty("staleShare").GetDouble() > 0.2, plain.ToString());
        Assert.Equal(120, waiting.GetProperty("reads").GetInt32());
        Assert.Equal(0, waiting.GetProperty("stale").GetInt32());
        Assert.Equal(0, waiting.GetProperty("monotonicReadViolations").GetInt32());
    }

    private static Task<TestCluster> StartLaggingClusterAsync() =>
        TestCluster.StartAsync(new ClusterSettings { MinDelay = 0.002, MaxDelay = 0.02, ReplicationTimeout = 10 });
}
