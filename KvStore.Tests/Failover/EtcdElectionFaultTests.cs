using System.Diagnostics;
using System.Net;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>
/// FAILOVER=etcd with a second fault while the first failover is under way: a follower killed during the election, the
/// new leader killed right after it won, a killed leader that alone holds the newest entry coming back.
/// </summary>
[Collection(EtcdFailoverRunsAlone.Name)]
public sealed class EtcdElectionFaultTests
{
    private const int CampaigningAtOnce = 62;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task A_follower_killed_during_the_election_does_not_stop_a_leader_being_elected_nor_lose_an_acknowledged_write()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        var old = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        await using var writers = new FollowingWriters(cluster, clients: 4);
        await writers.WaitForAcksAsync(150, TimeSpan.FromSeconds(30));

        // The leader dies, and while its lease runs out one follower dies too: four nodes are left, one more than the
        // 5 - 3 + 1 = 3 a candidate must hear from at quorum 3.
        await cluster.Nodes[old].KillAsync();
        var killedAt = Stopwatch.GetTimestamp();
        var follower = (old + 1) % 6;
        await Task.Delay(TimeSpan.FromMilliseconds(500), TestContext.Current.CancellationToken);
        await cluster.Nodes[follower].KillAsync();

        var first = await writers.FirstAckAfterAsync(killedAt, old, TimeSpan.FromSeconds(20));
        Output?.WriteLine($"node{old} and then node{follower} killed; node{first.Node} acknowledged {Stopwatch.GetElapsedTime(killedAt, first.At).TotalMilliseconds:0} ms after the first kill");
        Assert.NotEqual(follower, first.Node);
        await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30), after: first.At, notBy: old);
        await writers.StopAsync();

        await cluster.RestartAndConvergeAsync(writers, old, follower);
    }

    [Fact]
    public async Task A_new_leader_killed_right_after_it_won_is_replaced_in_turn_and_no_acknowledged_write_is_lost()
    {
        await using var cluster = await EtcdFailoverCluster.StartAsync();
        var first = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        await using var writers = new FollowingWriters(cluster, clients: 4);
        await writers.WaitForAcksAsync(150, TimeSpan.FromSeconds(30));

        await cluster.Nodes[first].KillAsync();
        var firstKill = Stopwatch.GetTimestamp();
        var second = await writers.FirstAckAfterAsync(firstKill, first, TimeSpan.FromSeconds(20));

        // Killed at its first acknowledged write: it may have acknowledged only that one, which the next leader must keep.
        await cluster.Nodes[second.Node].KillAsync();
        var secondKill = Stopwatch.GetTimestamp();
        var third = (await Deadline.UntilAsync(
            () => Task.FromResult(writers.Acked.Where(a => a.At > secondKill && a.Node != first && a.Node != second.Node).MinBy(a => a.At)),
            a => a is not null, TimeSpan.FromSeconds(20), "a third leader's first acknowledged write", _ => writers.LastFailure ?? "-"))!;
        Output?.WriteLine($"node{first} killed; node{second.Node} led after {Stopwatch.GetElapsedTime(firstKill, second.At).TotalMilliseconds:0} ms and was killed; " +
            $"node{third.Node} acknowledged {Stopwatch.GetElapsedTime(secondKill, third.At).TotalMilliseconds:0} ms after that");
        await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30), after: third.At, notBy: second.Node);
        await writers.StopAsync();

        await cluster.RestartAndConvergeAsync(writers, first, second.Node);
    }

    [Fact]
    public async Task A_killed_leader_back_with_the_longest_log_leads_again_at_once_not_after_a_start_delay()
    {
        // A 4 s lease: a follower starting cold would wait two of them (8 s) before campaigning.
        await using var cluster = await EtcdFailoverCluster.StartAsync(leaseTtlSeconds: 4);
        var leader = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
        if (leader == 0)
        {
            // node0 starts as ROLE=leader and campaigns at once anyway: hand over to a node started as a follower.
            using var stepDown = await cluster.AdminAsync(0, "/admin/step-down");
            Assert.Equal(HttpStatusCode.OK, stepDown.StatusCode);
            leader = await cluster.WaitForLeaderAsync(Startup, [1, 2, 3, 4, 5], followersReached: 5);
        }

        var f = Enumerable.Range(0, 6).Where(n => n != leader).ToArray();

        // Three followers down: the two left and the leader are the 5 - 3 + 1 = 3 a candidate must hear from.
        foreach (var down in f[..3])
            await cluster.Nodes[down].KillAsync();
        for (var i = 0; i < 10; i++)
        {
            using var write = await cluster.WriteAsync(leader, $"acked{i}", i, quorum: 2);
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }

        // The leader's last entry reaches no follower (the other two are down too), so when all three are back the
        // leader alone is the most advanced: neither follower may lead, and nobody leads until it campaigns.
        await cluster.Nodes[f[3]].KillAsync();
        await cluster.Nodes[f[4]].KillAsync();
        using (var tail = await cluster.WriteAsync(leader, "tail", 1, quorum: 1))
            await Problem.AssertAsync(tail, HttpStatusCode.ServiceUnavailable, "quorum_timeout");
        await cluster.Nodes[leader].KillAsync();
        foreach (var back in f[3..])
        {
            cluster.Nodes[back].Start();
            await cluster.Nodes[back].WaitHealthyAsync(Startup);
        }

        cluster.Nodes[leader].Start();
        await cluster.Nodes[leader].WaitHealthyAsync(Startup);
        var backAt = Stopwatch.GetTimestamp();
        Assert.Equal(leader, await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(4), [leader, f[3], f[4]]));
        Output?.WriteLine($"node{leader} led again {Stopwatch.GetElapsedTime(backAt).TotalMilliseconds:0} ms after it was healthy");
        Assert.Equal(1, cluster.Logged(leader, CampaigningAtOnce));

        using (var after = await cluster.WriteAsync(leader, "after", 1, quorum: 2))
            Assert.Equal(HttpStatusCode.OK, after.StatusCode);
        var data = await cluster.WaitUntilConsistentAsync(TimeSpan.FromSeconds(30), leader, f[3], f[4]);
        Assert.All(Enumerable.Range(0, 10), i => Assert.True(data.Data.ContainsKey($"acked{i}"), $"acknowledged acked{i} was lost"));
        Assert.True(data.Data.ContainsKey("tail"), "the new epoch began from the restarted leader's log, which holds tail");
    }
}
