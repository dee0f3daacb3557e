using System.Net;
using System.Net.Sockets;
using KvStore.AppHost.Orchestration;

namespace KvStore.Tests.AppHost;

/// <summary>How the AppHost ends, each with an AppHost of its own: no node may outlive it, however it is stopped.</summary>
[Collection(Name)]
public sealed class AppHostLifecycleTests
{
    public const string Name = "AppHost lifecycle";

    [Fact]
    public async Task Sigterm_stops_every_child_and_frees_their_ports()
    {
        await using var appHost = await StartHealthyAsync();
        var children = await ChildrenAsync(appHost);

        appHost.Terminate();

        Assert.Equal(0, await appHost.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.DoesNotContain(children, ChildProcesses.IsAlive);
        AssertPortsFree(appHost);
        Assert.Contains("Stopping 6 resources", appHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Sigkill_of_the_apphost_leaves_no_child_running()
    {
        await using var appHost = await StartHealthyAsync();
        var children = await ChildrenAsync(appHost);

        appHost.Kill();

        // The kernel delivers the children's parent-death signal (setpriv --pdeathsig KILL) when the AppHost dies.
        await Deadline.UntilAsync(() => !children.Any(ChildProcesses.IsAlive), TimeSpan.FromSeconds(10), "the children to exit");
        await Deadline.UntilAsync(() => appHost.Ports.Values.All(PortProbe.IsFree), TimeSpan.FromSeconds(10), "the nodes' ports to be free");
    }

    [Fact]
    public async Task A_port_already_taken_fails_the_start_naming_the_port_and_the_resource()
    {
        using var squatter = new TcpListener(IPAddress.Loopback, 0);
        squatter.Start();
        var port = ((IPEndPoint)squatter.LocalEndpoint).Port;

        await using var appHost = await AppHostProcess.StartAsync(new Dictionary<string, int> { ["follower3"] = port });

        Assert.Equal(1, await appHost.WaitForExitAsync(TimeSpan.FromSeconds(30)));
        Assert.Contains($"port {port} for follower3 is already in use", appHost.Output, StringComparison.Ordinal);
        Assert.DoesNotContain("Login to the dashboard", appHost.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Parameters_come_from_configuration_without_code_changes()
    {
        await using var appHost = await AppHostProcess.StartAsync(null, "--Parameters:write-quorum=5", "--Parameters:replication-token=from-the-command-line-0123456789");
        await appHost.WaitForLoginUrlAsync();

        var leader = await appHost.ResourceAsync("leader");
        var environment = leader.Environment.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal("5", environment["WRITE_QUORUM"]);
        Assert.Equal("******", environment["REPLICATION_TOKEN"]);
    }

    private static async Task<AppHostProcess> StartHealthyAsync()
    {
        var appHost = await AppHostProcess.StartAsync();
        try
        {
            await appHost.WaitForLoginUrlAsync();
            await appHost.WaitUntilNodesHealthyAsync();
            return appHost;
        }
        catch
        {
            await appHost.DisposeAsync();
            throw;
        }
    }

    private static async Task<IReadOnlyList<int>> ChildrenAsync(AppHostProcess appHost)
    {
        var resources = await appHost.ResourcesAsync();
        var pids = resources.Where(r => r.Pid is not null).Select(r => r.Pid!.Value).ToList();
        Assert.Equal(6, pids.Count);
        Assert.All(pids, pid => Assert.True(ChildProcesses.IsAlive(pid)));
        return pids;
    }

    private static void AssertPortsFree(AppHostProcess appHost)
    {
        foreach (var (name, port) in appHost.Ports)
            Assert.True(PortProbe.IsFree(port), $"{name}'s port {port} is still taken");
    }
}
