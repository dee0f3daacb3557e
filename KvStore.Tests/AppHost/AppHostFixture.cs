using System.Collections.Concurrent;
using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using Aspire.Hosting.Testing;
using KvStore.AppHost.Failover;
using KvStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvStore.Tests.AppHost;

/// <summary>
/// The real AppHost (KvStore.AppHost/Program.cs) started through Aspire.Hosting.Testing: DCP runs the six nodes as
/// processes, and etcd when it is installed (FAILOVER=etcd; else the nodes run FAILOVER=manual), on free ports and a
/// data folder of their own so no other run is disturbed. Disposing stops the application, which ends every process
/// it started. <see cref="Dashboard"/> is what the dashboard shows of each node: its latest resource snapshot.
/// </summary>
public sealed class AppHostFixture : IAsyncLifetime
{
    public static readonly string[] Nodes = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];
    public static readonly TimeSpan StartTimeout = TimeSpan.FromMinutes(3);

    private readonly LoadRunner.TempDirectory _data = new();
    private readonly CancellationTokenSource _stopWatching = new();
    private Task _watching = Task.CompletedTask;

    public DistributedApplication App { get; private set; } = null!;

    public CapturedLogs Logs { get; } = new();

    /// <summary>The mode the AppHost chose on this machine, as it chooses it (etcd on PATH, else manual).</summary>
    public static FailoverMode Mode { get; } = FailoverChoice.Decide(null, null, Environment.GetEnvironmentVariable("PATH"), File.Exists).Mode;

    /// <summary>Each resource's latest snapshot, by resource name.</summary>
    public ConcurrentDictionary<string, CustomResourceSnapshot> Dashboard { get; } = new(StringComparer.Ordinal);

    /// <summary>The first node the dashboard showed as leader.</summary>
    public string? FirstLeader { get; private set; }

    public async ValueTask InitializeAsync()
    {
        App = await StartAsync(_data.Path, Logs);
        _watching = WatchAsync(_stopWatching.Token);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await Task.WhenAll(Nodes.Select(n => App.ResourceNotifications.WaitForResourceHealthyAsync(n, timeout.Token)));
        await Deadline.UntilAsync(() => Task.FromResult(Leadership()), l => l is not null, TimeSpan.FromSeconds(60),
            "every node to name the same leader on the dashboard", _ => Describe());
    }

    /// <summary>Skips (or under CI=true fails) a test that needs the etcd resource when etcd is not installed.</summary>
    public static void RequireEtcd()
    {
        if (Mode == FailoverMode.Etcd)
            return;
        const string Reason = "etcd is not installed (bash .ci/install-etcd.sh installs Debian's etcd-server): the AppHost runs FAILOVER=manual";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail(Reason);
        Assert.Skip(Reason);
    }

    /// <summary>The leader and its epoch when every node's kv.leader names the same node, which says kv.role leader; else null.</summary>
    public (string Leader, long Epoch)? Leadership()
    {
        var shown = Nodes.Select(n => (Name: n, Role: Property(n, ClusterStatusPublisher.RoleProperty), Leader: Property(n, ClusterStatusPublisher.LeaderProperty),
            Epoch: Property(n, ClusterStatusPublisher.EpochProperty))).ToList();
        var leaders = shown.Where(s => s.Role == "leader").ToList();
        if (leaders.Count != 1 || shown.Any(s => s.Leader != leaders[0].Name) || !long.TryParse(leaders[0].Epoch, out var epoch))
            return null;
        return (leaders[0].Name, epoch);
    }

    public string? Property(string resource, string name) =>
        Dashboard.TryGetValue(resource, out var snapshot) ? snapshot.Properties.FirstOrDefault(p => p.Name == name)?.Value as string : null;

    public string Describe() => string.Join("; ", Nodes.Select(n =>
        $"{n}: {Property(n, ClusterStatusPublisher.RoleProperty)} epoch {Property(n, ClusterStatusPublisher.EpochProperty)} leader {Property(n, ClusterStatusPublisher.LeaderProperty)}"));

    /// <summary>Builds and starts the AppHost with <paramref name="args"/> added to its command line; the caller waits for what it needs.</summary>
    public static async Task<DistributedApplication> StartAsync(string dataDirectory, CapturedLogs logs, params string[] args)
    {
        string[] all = [$"--KvStore:PortBase={FreePorts.TakeRange(Nodes.Length)}", $"--KvStore:EtcdPort={FreePorts.TakeRange(2)}",
            $"--KvStore:DataDirectory={dataDirectory}", .. args];
        var builder = await DistributedApplicationTestingBuilder.CreateAsync<Projects.KvStore_AppHost>(all, TestContext.Current.CancellationToken);
        builder.Services.AddLogging(logging => logging.AddProvider(logs));
        var app = await builder.BuildAsync(TestContext.Current.CancellationToken);
        using var timeout = new CancellationTokenSource(StartTimeout);
        await app.StartAsync(timeout.Token);
        return app;
    }

    private async Task WatchAsync(CancellationToken cancellationToken)
    {
        try
        {
            await foreach (var update in App.ResourceNotifications.WatchAsync(cancellationToken))
            {
                Dashboard[update.Resource.Name] = update.Snapshot;
                if (FirstLeader is null && Nodes.Contains(update.Resource.Name) &&
                    update.Snapshot.Properties.Any(p => p.Name == ClusterStatusPublisher.RoleProperty && Equals(p.Value, "leader")))
                {
                    FirstLeader = update.Resource.Name;
                }
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    public async ValueTask DisposeAsync()
    {
        await _stopWatching.CancelAsync();
        await _watching;
        if (App is not null)
        {
            await App.StopAsync();
            await App.DisposeAsync();
        }

        _stopWatching.Dispose();
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
