using System.Net.Http.Json;
using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary><c>history</c> on real clusters of their own: it stops and restarts a follower mid-run.</summary>
public sealed class HistoryCommandTests
{
    private const int FaultySlot = 1;

    [Fact]
    public async Task A_history_recorded_while_a_follower_stops_and_restarts_is_linearizable()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings { ReplicationTimeout = 10 });
        using var dir = new TempDirectory();
        var run = LoadRunnerCli.RunAsync(
            "history", "--leader", cluster.LeaderUrl, "--clients", "4", "--ops", "1000", "--keys", "3", "--seed", "7", "--out", dir.Path);

        var started = await LastIndexAsync(cluster, index => index >= 20, "the history's first writes");
        await cluster.StopFollowerAsync(FaultySlot);
        await LastIndexAsync(cluster, index => index >= started + 50, "writes while a follower is down");
        await cluster.StartFollowerAsync(FaultySlot);
        var restartedAt = await LastIndexAsync(cluster, _ => true, "the leader after the restart");
        Assert.False(run.IsCompleted, "the run ended before the follower came back; give it more --ops");
        await LastIndexAsync(cluster, index => index >= restartedAt + 20, "writes after the restart");

        var result = await run;
        TestContext.Current.TestOutputHelper?.WriteLine(result.Output);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("LINEARIZABLE", result.Output, StringComparison.Ordinal);
        Assert.Contains("0 read-your-writes violation(s)", result.Output, StringComparison.Ordinal);

        using var report = JsonDocument.Parse(await File.ReadAllTextAsync(Path.Combine(dir.Path, "history.json"), TestContext.Current.CancellationToken));
        Assert.True(report.RootElement.GetProperty("passed").GetBoolean());
        var ops = report.RootElement.GetProperty("leaderOps").EnumerateArray().ToArray();
        Assert.Contains(ops, o => o.GetProperty("kind").GetString() == "Cas" && o.GetProperty("outcome").GetString() == "Ok");
        Assert.Contains(ops, o => o.GetProperty("kind").GetString() == "Cas" && o.GetProperty("outcome").GetString() == "Mismatch");
        Assert.Contains(ops, o => o.GetProperty("kind").GetString() == "Read");
        Assert.True(report.RootElement.GetProperty("followerReads").GetArrayLength() > 0);
    }

    /// <summary>
    /// With a follower down, writes at quorum 5 answer quorum_timeout yet stay in the leader's log: reads see them.
    /// The checker must take them as may-have-happened and still find the history linearizable.
    /// </summary>
    [Fact]
    public async Task Writes_that_timed_out_waiting_for_their_quorum_are_taken_as_may_have_happened()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings { ReplicationTimeout = 0.2 });
        await cluster.StopFollowerAsync(FaultySlot);
        var result = await LoadRunnerCli.RunAsync(
            "history", "--leader", cluster.LeaderUrl, "--clients", "3", "--ops", "40", "--keys", "2", "--quorum", "5", "--seed", "11");
        TestContext.Current.TestOutputHelper?.WriteLine(result.Output);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        Assert.Contains("quorum_timeout", result.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("(0 may have happened)", result.Output, StringComparison.Ordinal);
        Assert.Contains("LINEARIZABLE", result.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_quorum_the_cluster_cannot_meet_is_refused_before_any_write()
    {
        await using var cluster = await TestCluster.StartAsync();
        var result = await LoadRunnerCli.RunAsync("history", "--leader", cluster.LeaderUrl, "--quorum", "6");
        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("quorum 6", result.Error, StringComparison.Ordinal);
        var status = await cluster.Leader.GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken);
        Assert.Equal(0, status!.LastIndex);
    }

    private static async Task<long> LastIndexAsync(TestCluster cluster, Func<long, bool> done, string what) =>
        await Deadline.UntilAsync(
            async () => (await cluster.Leader.GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken))!.LastIndex,
            done, TimeSpan.FromSeconds(30), what);
}
