using System.Net;
using System.Net.Http.Json;
using System.Net.Sockets;
using System.Text.Json;
using KvStore.AppHost.Orchestration;

namespace KvStore.Tests.AppHost;

/// <summary>How the AppHost ends, each with an AppHost of its own: no node may outlive it, however it is stopped.</summary>
[Collection(Name)]
public sealed class AppHostLifecycleTests
{
    public const string Name = "AppHost lifecycle";

    [Fact]
    public async Task Parameters_from_the_command_line_reach_the_nodes_and_sigterm_stops_every_child()
    {
        await using var appHost = await StartHealthyAsync("--Parameters:write-quorum=5");
        var children = await ChildrenAsync(appHost);

        // The parameter, set without touching code, is the leader's default write quorum.
        using var write = await appHost.Nodes.PostAsJsonAsync(appHost.NodeUrl("leader") + "/write", new { key = "k", value = 1 }, TestContext.Current.CancellationToken);
        Assert.Equal(5, (await write.Content.ReadFromJsonAsync<JsonElement>(TestContext.Current.CancellationToken)).GetProperty("quorum").GetInt32());

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

    private static async Task<AppHostProcess> StartHealthyAsync(params string[] args)
    {
        var appHost = await AppHostProcess.StartAsync(null, args);
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
