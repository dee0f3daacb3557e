using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary>
/// One cluster for the load runner tests that only write (sweep, bench). Not the shared cluster: the sweep compares
/// every node's whole /data, which writes from other test classes would disturb. Its lag (3–5 ms) is well above
/// loopback overhead, so the floors the sweep is checked against are meaningful, and narrow, so that the mean of a
/// hundred writes' k-th fastest lags scatters little around its expectation (σ ≈ 0.04 ms).
/// </summary>
public sealed class LoadCluster : IAsyncLifetime
{
    public const double MinDelay = 0.003;
    public const double MaxDelay = 0.005;

    public TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() =>
        // A generous replication timeout: on a machine busy with other builds, a slow write is not a failed one.
        Cluster = await TestCluster.StartAsync(new ClusterSettings { MinDelay = MinDelay, MaxDelay = MaxDelay, ReplicationTimeout = 10 });

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();

    /// <summary>E[k-th fastest of 5 uniform(min, max) lags], in ms: what no write at quorum k beats on average.</summary>
    public static double FloorMs(int quorum) => (MinDelay + (MaxDelay - MinDelay) * quorum / 6) * 1000;
}

[CollectionDefinition(Name)]
public sealed class LoadClusterGroup : ICollectionFixture<LoadCluster>
{
    public const string Name = "load runner cluster";
}
