using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.LoadRunner.Reporting;

namespace KvStore.Tests.LoadRunner;

[Collection(LoadClusterGroup.Name)]
public sealed class BenchTests(LoadCluster fixture)
{
    [Fact]
    public async Task Closed_loop_bench_reports_progress_percentiles_and_writes_bench_json()
    {
        using var dir = new TempDirectory();

        var result = await LoadRunnerCli.RunAsync(
            "bench", "--leader", fixture.Cluster.LeaderUrl, "--clients", "4", "--quorum", "2", "--duration", "2s", "--warmup", "1s", "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("ops/s", result.Output.Split('\n').First(l => l.Contains(" ok ", StringComparison.Ordinal)), StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("bench.json")));
        var report = json.RootElement;
        Assert.Equal("closed", report.GetProperty("mode").GetString());
        Assert.False(report.TryGetProperty("serviceTime", out _), "a closed loop's service time is its latency");
        Assert.Equal(0, report.GetProperty("errors").GetInt64());
        Assert.True(report.GetProperty("succeeded").GetInt64() > 0, report.GetRawText());
        Assert.True(report.GetProperty("opsPerSec").GetDouble() > 0);
        var latency = report.GetProperty("latency");
        var ordered = new[] { "minMs", "p50Ms", "p90Ms", "p99Ms", "p999Ms", "maxMs" }.Select(p => latency.GetProperty(p).GetDouble()).ToArray();
        Assert.True(ordered.Zip(ordered.Skip(1)).All(pair => pair.First <= pair.Second), latency.GetRawText());
        Assert.True(ordered[1] >= LoadCluster.FloorMs(1), "even the median write waits for one follower's lag");
    }

    [Fact]
    public async Task Bench_pointed_at_a_follower_says_so_and_benches_the_leader_it_names()
    {
        using var dir = new TempDirectory();
        var follower = fixture.Cluster.FollowerUrls[1];

        var result = await LoadRunnerCli.RunAsync(
            "bench", "--leader", follower, "--clients", "2", "--quorum", "2", "--duration", "1s", "--warmup", "0s", "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains($"{follower}/ is a follower; using the leader it names: {fixture.Cluster.LeaderUrl}/", result.Output, StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize(await File.ReadAllTextAsync(dir.File("bench.json")), ReportJsonContext.Default.BenchReport)!;
        Assert.Equal(new Uri(fixture.Cluster.LeaderUrl), new Uri(report.Leader));
        var only = Assert.Single(report.Leaders!);
        Assert.Equal((new Uri(fixture.Cluster.LeaderUrl), report.Succeeded), (new Uri(only.Leader), only.Writes));
        Assert.True(report.Succeeded > 0 && report.Errors == 0, result.ToString());
    }

    [Fact]
    public async Task Open_loop_bench_sends_the_scheduled_requests_and_measures_from_their_intended_start()
    {
        using var dir = new TempDirectory();

        var result = await LoadRunnerCli.RunAsync(
            "bench", "--leader", fixture.Cluster.LeaderUrl, "--clients", "4", "--rate", "100", "--duration", "1500ms", "--warmup", "0s", "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("bench.json")));
        var report = json.RootElement;
        Assert.Equal("open", report.GetProperty("mode").GetString());
        Assert.Equal(150, report.GetProperty("scheduledRequests").GetInt64());
        Assert.Equal(150, report.GetProperty("requests").GetInt64());
        Assert.True(report.GetProperty("latency").GetProperty("meanMs").GetDouble() >= report.GetProperty("serviceTime").GetProperty("meanMs").GetDouble());
    }

    [Fact]
    public async Task Ctrl_C_stops_the_bench_and_reports_what_was_measured()
    {
        using var dir = new TempDirectory();
        using var interrupt = new CancellationTokenSource();

        var running = LoadRunnerCli.RunAsync(
            ["bench", "--leader", fixture.Cluster.LeaderUrl, "--clients", "2", "--duration", "60s", "--warmup", "0", "--out", dir.Path], null, interrupt.Token);
        await Interrupt.OnceWritesFlowAsync(fixture.Cluster, interrupt);
        var result = await running;

        Assert.True(result.ExitCode == ExitCodes.Interrupted, result.ToString());
        Assert.Contains("(interrupted)", result.Output, StringComparison.Ordinal);
        using var json = JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("bench.json")));
        Assert.True(json.RootElement.GetProperty("interrupted").GetBoolean());
        Assert.True(json.RootElement.GetProperty("succeeded").GetInt64() > 0);
        Assert.True(json.RootElement.GetProperty("durationSeconds").GetDouble() < 30);
    }
}
