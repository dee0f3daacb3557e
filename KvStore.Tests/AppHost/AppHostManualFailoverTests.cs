using Aspire.Hosting;
using Aspire.Hosting.ApplicationModel;
using KvStore.AppHost.Commands;
using KvStore.AppHost.Failover;
using KvStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.Tests.AppHost;

/// <summary>
/// The AppHost where etcd is not found: FAILOVER=manual, a console line saying how to get automatic failover, and the
/// Step down command moving leadership. Its own AppHost, in a collection that runs alone after the shared fixture's.
/// </summary>
[Collection(AppHostManualGroup.Name)]
public sealed class AppHostManualFailoverTests
{
    [Fact]
    public async Task Without_etcd_the_nodes_run_manual_failover_the_AppHost_says_how_to_enable_etcd_and_step_down_works()
    {
        using var data = new LoadRunner.TempDirectory();
        var logs = new CapturedLogs();
        // A KvStore:Etcd path that does not exist stands for a machine without etcd.
        await using var app = await AppHostFixture.StartAsync(data.Path, logs, "--KvStore:Etcd=/nonexistent/etcd");
        using var timeout = new CancellationTokenSource(AppHostFixture.StartTimeout);
        await Task.WhenAll(AppHostFixture.Nodes.Select(n => app.ResourceNotifications.WaitForResourceHealthyAsync(n, timeout.Token)));

        var model = app.Services.GetRequiredService<DistributedApplicationModel>();
        Assert.DoesNotContain(model.Resources, r => r.Name == "etcd");
        var hint = Assert.Single(logs.For(typeof(KvFailover).FullName!, 1));
        Assert.Contains("apt-get install etcd-server", hint.Message, StringComparison.Ordinal);

        // ROLE=leader under manual: leader leads from the start, and the dashboard says so.
        await RoleShownAsync(app, "leader", "leader", timeout.Token);
        var probe = app.Services.GetRequiredService<ClusterProbe>();
        Assert.Equal("leader", (await probe.FindLeaderAsync(timeout.Token))?.Name);

        var commands = app.Services.GetRequiredService<ResourceCommandService>();
        var stepped = await commands.ExecuteCommandAsync("leader", FailoverCommands.StepDown, timeout.Token);
        Assert.True(stepped.Success, stepped.Message);
        var next = await Deadline.UntilAsync(() => probe.FindLeaderAsync(timeout.Token), l => l is not null && l.Name != "leader",
            TimeSpan.FromSeconds(10), "a follower to lead after the step-down");
        await RoleShownAsync(app, next!.Name, "leader", timeout.Token);
        await RoleShownAsync(app, "leader", "follower", timeout.Token);
        await app.StopAsync();
    }

    private static Task<ResourceEvent> RoleShownAsync(DistributedApplication app, string node, string role, CancellationToken cancellationToken) =>
        app.ResourceNotifications.WaitForResourceAsync(node,
            e => e.Snapshot.Properties.Any(p => p.Name == ClusterStatusPublisher.RoleProperty && Equals(p.Value, role)), cancellationToken);
}

/// <summary>Runs alone, after the shared AppHost fixture is gone: two AppHosts on two cores would slow both past their timeouts.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class AppHostManualGroup
{
    public const string Name = "AppHost (manual failover)";
}
