namespace KvStore.Tests.AppHost;

/// <summary>
/// One AppHost with its six nodes, shared by the end-to-end and browser tests (starting one costs seconds). Those tests
/// run one at a time (one collection) and each leaves every node running, so they may run in any order.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public AppHostProcess AppHost { get; private set; } = null!;

    public async ValueTask InitializeAsync()
    {
        AppHost = await AppHostProcess.StartAsync();
        await AppHost.WaitForLoginUrlAsync();
        await AppHost.WaitUntilNodesHealthyAsync();
    }

    /// <summary>
    /// For a test that stops a node: when disposed, starts any node that is not running and waits until all six are
    /// healthy, so a failure half-way does not leave the next test a broken cluster.
    /// </summary>
    public IAsyncDisposable RestoreNodesAfterward() => new NodeRestorer(AppHost);

    public async ValueTask DisposeAsync()
    {
        if (AppHost is not null)
            await AppHost.DisposeAsync();
    }
}

[CollectionDefinition(Name)]
public sealed class AppHostGroup : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost cluster";
}
