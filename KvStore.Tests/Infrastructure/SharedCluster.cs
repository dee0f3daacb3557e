namespace KvStore.Tests.Infrastructure;

/// <summary>
/// One default 1 + 5 cluster shared by the tests that only read and write (never stop nodes). Tests that
/// share it use their own keys, so they may run in any order.
/// </summary>
public sealed class SharedCluster : IAsyncLifetime
{
    public TestCluster Cluster { get; private set; } = null!;

    public async ValueTask InitializeAsync() => Cluster = await TestCluster.StartAsync(new ClusterSettings
    {
        // Short, so the stale-read test sees its 503 quickly.
        Extra = new Dictionary<string, string?> { ["READ_WAIT_TIMEOUT"] = "0.3" },
    });

    public async ValueTask DisposeAsync() => await Cluster.DisposeAsync();
}

[CollectionDefinition(Name)]
public sealed class SharedClusterGroup : ICollectionFixture<SharedCluster>
{
    public const string Name = "shared cluster";
}
