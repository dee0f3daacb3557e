using KvStore.LoadRunner.Cluster;

namespace KvStore.Tests.LoadRunner;

/// <summary>The load runner's leader discovery (bench, sweep and the failover drill follow the leader through it).</summary>
[Collection(LoadClusterGroup.Name)]
public sealed class LeaderTrackerTests(LoadCluster fixture)
{
    [Fact]
    public async Task A_discovery_that_ended_before_it_was_stored_does_not_answer_every_later_call()
    {
        using var http = LoadRunnerHttp.Create(2, TimeSpan.FromSeconds(5));
        var leader = new Uri(fixture.Cluster.LeaderUrl);
        var tracker = new LeaderTracker(http, [.. fixture.Cluster.FollowerUrls.Select(u => new Uri(u)), leader]);

        // A caller that has given up (Ctrl+C, a stopping client) ends its discovery before LeaderAsync returns it. That
        // discovery must not become the answer to every later call: in the drill, one that ended at once (its node
        // answered while the caller was still sending to the others) kept naming a leader that had long been frozen.
        using var gaveUp = new CancellationTokenSource();
        await gaveUp.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => tracker.LeaderAsync(gaveUp.Token));

        Assert.Equal(leader, (await tracker.LeaderAsync(TestContext.Current.CancellationToken))?.Url);
        tracker.Failed(leader);
        Assert.Equal(leader, (await tracker.LeaderAsync(TestContext.Current.CancellationToken))?.Url);
    }
}
