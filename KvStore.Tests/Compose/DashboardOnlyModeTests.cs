using System.Net;
using KvStore.AppHost.Orchestration;
using KvStore.Tests.AppHost;
using KvStore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;

namespace KvStore.Tests.Compose;

/// <summary>
/// <c>--dashboard-only</c>, the dashboard service of the Compose deployment: the AppHost starts no process and shows each
/// resource's health by polling the URL service discovery gives it; start and stop belong to the deployment.
/// </summary>
public sealed class DashboardOnlyModeTests
{
    [Fact]
    public async Task Resources_are_watched_at_their_discovered_urls_and_not_started()
    {
        var ports = FreePorts.Take(2);
        await using var healthyNode = await HealthEndpointAsync(ports[0]);
        var unreachable = $"http://127.0.0.1:{ports[1]}";

        await using var apphost = await AppHostProcess.StartAsync(null,
            "--dashboard-only",
            $"--services:leader:http:0=http://127.0.0.1:{ports[0]}",
            $"--services:follower1:http:0={unreachable}");
        await apphost.WaitForLoginUrlAsync();

        var resources = await apphost.WaitForResourcesAsync(
            rs => rs.Single(r => r.Name == "leader") is { State: ResourceState.Running, Health: HealthStatus.Healthy },
            "the leader to be healthy at its discovered URL", TimeSpan.FromSeconds(30));

        Assert.All(resources, r => Assert.Null(r.Pid));
        Assert.Equal([$"http://127.0.0.1:{ports[0]}"], resources.Single(r => r.Name == "leader").Urls);
        Assert.Equal([unreachable], resources.Single(r => r.Name == "follower1").Urls);
        Assert.NotEqual(HealthStatus.Healthy, resources.Single(r => r.Name == "follower1").Health);
        // Without a discovery variable: the Compose convention, service name and container port.
        Assert.Equal(["http://follower2:8080"], resources.Single(r => r.Name == "follower2").Urls);
        Assert.Equal(ResourceState.NotStarted, resources.Single(r => r.Name == "loadrunner").State);

        using var stop = await apphost.Api.PostAsync("/api/resources/leader/stop", null, TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.Conflict, stop.StatusCode);
        Assert.Contains("docker compose", await stop.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
        Assert.Empty(apphost.LiveChildren());
    }

    private static async Task<WebApplication> HealthEndpointAsync(int port)
    {
        var builder = WebApplication.CreateSlimBuilder();
        builder.WebHost.UseUrls($"http://127.0.0.1:{port}");
        var app = builder.Build();
        app.MapGet("/health", () => Results.Text("Healthy"));
        await app.StartAsync(TestContext.Current.CancellationToken);
        return app;
    }
}
