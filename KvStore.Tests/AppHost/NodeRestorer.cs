namespace KvStore.Tests.AppHost;

/// <summary>Starts every stopped node of the shared AppHost and waits until all six are healthy again.</summary>
internal sealed class NodeRestorer(AppHostProcess appHost) : IAsyncDisposable
{
    public async ValueTask DisposeAsync()
    {
        var resources = await appHost.ResourcesAsync();
        foreach (var node in resources.Where(r => AppHostProcess.NodeNames.Contains(r.Name) && r.Pid is null))
            (await appHost.Api.PostAsync($"/api/resources/{node.Name}/start", null)).Dispose();
        await appHost.WaitUntilNodesHealthyAsync();
    }
}
