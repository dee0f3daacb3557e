using System.Diagnostics;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>FAILOVER=etcd with a second fault while the first failover is under way: a follower killed during the election, the new leader killed right after it won.</summary>
[Collection(EtcdFailoverRunsAlone.Name)]
public sealed class EtcdElectionFaultTests
{
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
}
