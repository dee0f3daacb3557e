using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.LoadRunner.Reporting;
using KvStore.Node.Failover;
using KvStore.Tests.Failover;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary>bench under FAILOVER=manual: started on a follower, it finds the leader; across a leader change it follows it.</summary>
public sealed class BenchFollowsLeaderTests
{
    // What a leader change may cost a bench: writes the old leader refused while handing over (503 no_leader) or once it
    // follows (421 not_leader), and writes it had admitted whose quorum its fenced followers no longer completed.
    private static readonly string[] FailoverErrors = ["no_leader", "not_leader", "quorum_timeout"];

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task A_bench_started_on_a_follower_keeps_writing_across_a_step_down_and_reports_writes_on_both_leaders()
    {
        await using var cluster = await FailoverCluster.StartAsync();
        await Deadline.UntilAsync(() => cluster.ClusterAsync(0), c => c.Followers.Count(f => f.LastAckLatencyMs is not null) == 5,
            TimeSpan.FromSeconds(30), "the leader to reach its five followers");
        using var dir = new TempDirectory();

        var running = LoadRunnerCli.RunAsync(
            ["bench", "--leader", cluster.UrlOf(3), "--clients", "4", "--quorum", "3", "--duration", "6s", "--warmup", "0s", "--out", dir.Path],
            configuration: null, Ct);
        var start = (await cluster.ClusterAsync(0)).LastIndex;
        await Deadline.UntilAsync(() => cluster.ClusterAsync(0), c => c.LastIndex > start + 200, TimeSpan.FromSeconds(30), "the bench's writes to reach node0");

        using var stepDown = await cluster.AdminAsync(0, "/admin/step-down");
        Assert.Equal(HttpStatusCode.OK, stepDown.StatusCode);
        var handover = (await stepDown.Content.ReadFromJsonAsync<StepDownResponse>(Ct))!;
        var result = await running;

        Assert.Contains($"{cluster.UrlOf(3)}/ is a follower; using the leader it names: {cluster.UrlOf(0)}/", result.Output, StringComparison.Ordinal);
        var report = JsonSerializer.Deserialize(await File.ReadAllTextAsync(dir.File("bench.json"), Ct), ReportJsonContext.Default.BenchReport)!;
        Assert.Equal([new Uri(cluster.UrlOf(0)), new Uri(handover.NewLeader)], report.Leaders!.Select(l => new Uri(l.Leader)));
        Assert.All(report.Leaders!, l => Assert.True(l.Writes > 0, $"{l.Leader} acknowledged no write of the bench: {result}"));
        Assert.Equal(report.Succeeded, report.Leaders!.Sum(l => l.Writes));
        Assert.All(report.ErrorsByCode.Keys, code => Assert.Contains(code, FailoverErrors));
        Assert.Contains("writes followed the leader:", result.Output, StringComparison.Ordinal);

        // The new leader is the one the bench ended on: its log holds the writes acknowledged after the handover.
        Assert.Equal("leader", (await cluster.ClusterAsync(Enumerable.Range(1, 5).Single(n => cluster.UrlOf(n) == handover.NewLeader))).Role);
    }
}
