using Aspire.Hosting;
using Aspire.Hosting.Testing;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvStore.Tests.AppHost;

/// <summary>
/// The real AppHost (KvStore.AppHost/Program.cs) started through Aspire.Hosting.Testing: DCP runs the six nodes as
/// processes, on a free block of ports and a data folder of their own so no other run is disturbed. Disposing stops
/// the application, which ends every process it started.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly string[] Nodes = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly LoadRunner.TempDirectory _data = new();

    public DistributedApplication App { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    public async ValueTask InitializeAsync()
    {
        App = await StartAsync(_data.Path, Logs);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await Task.WhenAll(Nodes.Select(n => App.ResourceNotifications.WaitForResourceHealthyAsync(n, timeout.Token)));
    }

    /// <summary>Builds and starts the AppHost with <paramref name="args"/> added to its command line; the caller waits for what it needs.</summary>
    public static async Task<DistributedApplication> StartAsync(string dataDirectory, CapturedLogs logs, params string[] args)
    {
        string[] all = [$"--KvStore:PortBase={FreePorts.TakeRange(Nodes.Length)}", $"--KvStore:DataDirectory={dataDirectory}", .. args];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KvStore_AppHost>(all, TestContext.Current.CancellationToken);
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        var app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        return app;
    }

    public async ValueTask DisposeAsync()
    {
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        _data.Dispose();
    }
}

/// <summary>
/// The AppHost tests run alone, not beside the other collections: DCP gives a stopping node 15 s before it reports
/// the stop as failed, and six nodes plus the tests of every other collection on two cores can take longer than that.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostGroup : ICollectionFixture<AppHostFixture>
{
    public const string Name = "AppHost";
}
