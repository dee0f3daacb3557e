using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KvStore.Node.Failover;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>
/// The etcd failover tests run alone, after the parallel ones: each starts seven processes, and their windows are timed
/// against the lease, so on two shared cores neither they nor their neighbours should be slowed by the other.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class EtcdFailoverRunsAlone
{
    public const string Name = "etcd failover, alone";
}

/// <summary>FAILOVER=etcd on six node processes and a real etcd: kill -9, SIGSTOP, too few followers, step-down, etcd restart.</summary>
[Collection(EtcdFailoverRunsAlone.Name)]
public sealed class EtcdFailoverTests
{
    // Event ids the nodes log (FailoverController, LeaderTerm, EtcdCampaign).
    private const int Following = 53;
    private const int LeaseLost = 54;
    private const int Elected = 55;

    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task Killing_the_leader_under_quorum_three_load_elects_a_new_leader_within_five_seconds_and_loses_no_acknowledged_write()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        await using var writers = new FollowingWriters(cluster, clients: 4);
        await writers.WaitForAcksAsync(150, TimeSpan.FromSeconds(30));

        await cluster.Nodes[old].KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var first = await writers.FirstAckAfterAsync(killedAt, old, TimeSpan.FromSeconds(15));
        var window = Stopwatch.GetElapsedTime(killedAt, first.At);
        Output?.WriteLine($"kill -9 of node{old} at {DateTime.UtcNow - Stopwatch.GetElapsedTime(killedAt):HH:mm:ss.fff} to the first quorum-3 write acknowledged by node{first.Node}: {window.TotalMilliseconds:0} ms");
        Assert.True(window < TimeSpan.FromSeconds(5), $"the new leader took its first write {window.TotalMilliseconds:0} ms after the kill");
        await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30), after: first.At, notBy: old);
        await writers.StopAsync();

        await cluster.RestartAndConvergeAsync(writers, old);
        Assert.True(cluster.Logged(first.Node, Elected) >= 1, $"node{first.Node} took writes without logging its election");
    }

    [Fact]
    public async Task A_leader_frozen_past_its_lease_is_replaced_and_after_resuming_acknowledges_nothing_and_follows()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        await using var writers = new FollowingWriters(cluster, clients: 4);
        await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30));

        await cluster.Nodes[old].SignalAsync("STOP");
        var stoppedAt = Stopwatch.GetTimestamp();
        var first = await writers.FirstAckAfterAsync(stoppedAt, old, TimeSpan.FromSeconds(15));
        Output?.WriteLine($"SIGSTOP of node{old} to the first write acknowledged by node{first.Node}: {Stopwatch.GetElapsedTime(stoppedAt, first.At).TotalMilliseconds:0} ms");
        await writers.WaitForAcksAsync(50, TimeSpan.FromSeconds(30), after: first.At, notBy: old);

        // Resumed, its lease long past its guard: every write sent to it is refused, from the first one on.
        await cluster.Nodes[old].SignalAsync("CONT");
        var resumedAt = Stopwatch.GetTimestamp();
        for (var i = 0; i < 5; i++)
        {
            using var refused = await cluster.WriteAsync(old, $"resumed{i}", i);
            Assert.True(EtcdFailoverCluster.IsNoLeader(refused.StatusCode), $"the resumed old leader answered {(int)refused.StatusCode} to a write");
        }

        await Deadline.UntilAsync(() => cluster.TryClusterAsync(old), v => v is { Role: "follower", LeaderUrl: not null } && v.LeaderUrl != cluster.Nodes[old].Url,
            TimeSpan.FromSeconds(15), $"node{old} to follow the new leader");
        await writers.StopAsync();
        // Answers already on their way when the signal landed arrive after stoppedAt; every answer the old leader
        // decided on after it was frozen, to a write sent during the freeze or one still waiting in it, is counted.
        Assert.Equal(0, writers.AckedAcross(old, frozenAt: stoppedAt, resumedAt));
        Assert.True(cluster.Logged(old, LeaseLost) + cluster.Logged(old, Following) >= 1, "the old leader logged neither losing its lease nor following");

        var data = await cluster.WaitUntilConsistentAsync(TimeSpan.FromSeconds(30), 0, 1, 2, 3, 4, 5);
        writers.AssertNoneLost(data);
        Assert.DoesNotContain(data.Data.Keys, k => k.StartsWith("resumed", StringComparison.Ordinal));
        Output?.WriteLine($"{writers.Acked.Count} acknowledged, resumed at +{Stopwatch.GetElapsedTime(stoppedAt, resumedAt).TotalMilliseconds:0} ms");
    }

    [Fact]
    public async Task With_quorum_three_and_three_followers_down_a_killed_leader_is_not_replaced_until_a_third_follower_is_back()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        var leader = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        var f = Enumerable.Range(0, 6).Where(n => n != leader).ToArray();

        // f[0] and f[1] miss these writes; f[2], f[3] and f[4] acknowledge them.
        await cluster.Nodes[f[0]].KillAsync();
        await cluster.Nodes[f[1]].KillAsync();
        for (var i = 0; i < 20; i++)
        {
            using var write = await cluster.WriteAsync(leader, $"acked{i}", i);
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }

        // f[3] and f[4] alone cannot be sure they hold every acknowledged write (2 < 5 − 3 + 1): nobody leads.
        await cluster.Nodes[f[2]].KillAsync();
        await cluster.Nodes[leader].KillAsync();
        // Both watch the key: each stops naming the dead leader when its own watch sees the key expire.
        await Deadline.UntilAsync(() => Task.WhenAll(new[] { f[3], f[4] }.Select(async n =>
        {
            using var write = await cluster.WriteAsync(n, "during", 1);
            return write.StatusCode;
        })), s => s.All(c => c == HttpStatusCode.ServiceUnavailable), TimeSpan.FromSeconds(10), "the dead leader's key to expire",
            s => string.Join(", ", s));
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(6);
        while (DateTime.UtcNow < deadline)
        {
            foreach (var n in new[] { f[3], f[4] })
            {
                using var refused = await cluster.WriteAsync(n, "during", 1);
                await Problem.AssertAsync(refused, HttpStatusCode.ServiceUnavailable, "no_leader");
                Assert.NotNull(refused.Headers.RetryAfter);
                Assert.Equal("follower", (await cluster.TryClusterAsync(n))?.Role);
            }

            await Task.Delay(250, TestContext.Current.CancellationToken);
        }

        // f[0] is back (behind): three followers are heard from, and the most advanced of them is elected.
        cluster.Nodes[f[0]].Start();
        await cluster.Nodes[f[0]].WaitHealthyAsync(Startup);
        var elected = await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(15), [f[0], f[3], f[4]]);
        Assert.Contains(elected, new[] { f[3], f[4] });
        using (var after = await cluster.WriteAsync(elected, "after", 1, quorum: 2))
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var data = await cluster.WaitUntilConsistentAsync(TimeSpan.FromSeconds(30), f[0], f[3], f[4]);
        for (var i = 0; i < 20; i++)
            Assert.True(data.Data.ContainsKey($"acked{i}"), $"acknowledged acked{i} was lost");
    }

    [Fact]
    public async Task Step_down_releases_the_leader_key_and_a_caught_up_follower_is_elected()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        for (var i = 0; i < 20; i++)
            (await cluster.WriteAsync(old, $"k{i}", i)).EnsureSuccessStatusCode();

        var clock = Stopwatch.StartNew();
        using var stepDown = await cluster.AdminAsync(old, "/admin/step-down");
        Output?.WriteLine($"step-down answered {(int)stepDown.StatusCode} after {clock.ElapsedMilliseconds} ms");
        Assert.True(stepDown.StatusCode == HttpStatusCode.OK, await stepDown.Content.ReadAsStringAsync(TestContext.Current.CancellationToken) +
            string.Join('\n', cluster.Nodes.SelectMany(n => n.Output.Where(l => l.Contains("Failover", StringComparison.Ordinal) || l.StartsWith("      ", StringComparison.Ordinal)).Select(l => n.Name + " " + l))));
        var handover = (await stepDown.Content.ReadFromJsonAsync<StepDownResponse>(TestContext.Current.CancellationToken))!;
        var successor = cluster.Nodes.ToList().FindIndex(n => n.Url == handover.NewLeader);
        Assert.NotEqual(old, successor);
        Assert.True(successor >= 0, $"step-down named {handover.NewLeader}");

        Assert.Equal(successor, await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(10), followersReached: 5));
        (await cluster.WriteAsync(successor, "after", 1)).EnsureSuccessStatusCode();
        await Deadline.UntilAsync(() => cluster.TryClusterAsync(old), v => v is { Role: "follower" } && v.Epoch == handover.Epoch,
            TimeSpan.FromSeconds(10), "the old leader to follow");
        var data = await cluster.WaitUntilConsistentAsync(TimeSpan.FromSeconds(20), 0, 1, 2, 3, 4, 5);
        Assert.Equal(21, data.Data.Count);
    }

    [Fact]
    public async Task Restarting_etcd_under_a_leader_loses_no_acknowledged_write_and_a_leader_takes_writes_again()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        await using var writers = new FollowingWriters(cluster, clients: 2);
        await writers.WaitForAcksAsync(50, TimeSpan.FromSeconds(30));

        await cluster.Etcd.KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        await cluster.Etcd.StartAsync(TimeSpan.FromSeconds(30));
        Output?.WriteLine($"etcd down for {Stopwatch.GetElapsedTime(killedAt).TotalMilliseconds:0} ms");
        var backAt = Stopwatch.GetTimestamp();
        await writers.WaitForAcksAsync(50, TimeSpan.FromSeconds(15), after: backAt);
        await writers.StopAsync();

        var data = await cluster.WaitUntilConsistentAsync(TimeSpan.FromSeconds(30), 0, 1, 2, 3, 4, 5);
        writers.AssertNoneLost(data);
        Assert.Single(await Task.WhenAll(Enumerable.Range(0, 6).Select(cluster.TryClusterAsync)), v => v is { Role: "leader" });
    }
}
