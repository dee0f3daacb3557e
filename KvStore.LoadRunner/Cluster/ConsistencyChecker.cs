using System.Diagnostics;

namespace KvStore.LoadRunner.Cluster;

/// <summary>Fetches every node's <c>/data</c> at once and compares the followers with the leader.</summary>
internal sealed class ConsistencyChecker(KvClient client, ClusterTopology topology)
{
    private static readonly TimeSpan FirstPollDelay = TimeSpan.FromMilliseconds(25);
    private static readonly TimeSpan MaxPollDelay = TimeSpan.FromMilliseconds(400);

    public async Task<ConsistencyReport> CompareNowAsync(CancellationToken cancellationToken)
    {
        // Started together so the snapshots are as close in time as HTTP allows.
        var leaderTask = client.GetDataAsync(topology.Leader.Url, cancellationToken);
        var followerTasks = topology.Followers.Select(f => TryGetDataAsync(f, cancellationToken)).ToArray();

        DataSnapshot leader;
        try
        {
            leader = await leaderTask;
        }
        catch (Exception e) when (KvClient.IsNodeFailure(e, cancellationToken))
        {
            await Task.WhenAll(followerTasks);
            throw new ClusterUnreachableException($"Cannot read /data from the leader at {topology.Leader.Url}: {Describe(e, cancellationToken)}", e);
        }

        var comparisons = new List<FollowerComparison>(followerTasks.Length);
        for (var i = 0; i < followerTasks.Length; i++)
        {
            var (snapshot, error) = await followerTasks[i];
            comparisons.Add(snapshot is null
                ? FollowerComparison.Unreachable(topology.Followers[i], error!)
                : ReplicaComparer.Compare(leader, topology.Followers[i], snapshot));
        }

        return new ConsistencyReport(leader.AppliedIndex, leader.Data.Count, comparisons);
    }

    /// <summary>
    /// Compares until every follower matches or <paramref name="timeout"/> has passed, backing off between rounds so
    /// a large store is not fetched from every node dozens of times a second. Returns the last comparison and, when
    /// the replicas converged, how long that took.
    /// </summary>
    public async Task<(ConsistencyReport Report, TimeSpan? ConvergedAfter)> WaitForConvergenceAsync(TimeSpan timeout, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var delay = FirstPollDelay;
        while (true)
        {
            var report = await CompareNowAsync(cancellationToken);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (report.IsConsistent)
                return (report, elapsed);
            if (elapsed + delay > timeout)
                return (report, null);

            await Task.Delay(delay, cancellationToken);
            delay = TimeSpan.FromTicks(Math.Min(delay.Ticks * 2, MaxPollDelay.Ticks));
        }
    }

    private async Task<(DataSnapshot? Snapshot, string? Error)> TryGetDataAsync(NodeAddress node, CancellationToken cancellationToken)
    {
        try
        {
            return (await client.GetDataAsync(node.Url, cancellationToken), null);
        }
        catch (Exception e) when (KvClient.IsNodeFailure(e, cancellationToken))
        {
            return (null, "unreachable: " + Describe(e, cancellationToken));
        }
    }

    private string Describe(Exception e, CancellationToken cancellationToken) =>
        KvClient.IsTimeout(e, cancellationToken) ? $"no answer within {client.Timeout.TotalSeconds:0.#} s" : e.Message;
}
