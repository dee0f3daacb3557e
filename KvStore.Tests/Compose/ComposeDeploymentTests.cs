using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;
using KvStore.Tests.Publishing;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.Compose;

/// <summary>
/// The Compose deployment on a real Docker engine, as a user runs it: the images built by deploy/build-images.sh, the
/// published docker-compose.yml brought up, then the load runner's sweep from the host, followers killed and started,
/// one cut off the network and reconnected, the leader restarted, and the dashboard service checked. Skipped without a
/// Docker engine (failed under CI=true); always taken down.
/// </summary>
[Collection(ComposeGroup.Name)]
public sealed class ComposeDeploymentTests : IDisposable
{
    private static readonly string[] Nodes = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];
    private static readonly int[] HostPorts = [8000, 8001, 8002, 8003, 8004, 8005, 18888];
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(60);
    private readonly HttpClient _http = new() { Timeout = TimeSpan.FromSeconds(15) };

    public void Dispose() => _http.Dispose();

    private static string NodeUrl(string node) => $"http://localhost:{8000 + Array.IndexOf(Nodes, node)}";

    [Fact]
    public async Task The_published_deployment_runs_survives_failures_and_reports_to_its_dashboard()
    {
        var engine = await DockerEngine.RequireAsync();
        var taken = HostPorts.Where(p => !FreePorts.IsFree(p)).ToList();
        Assert.True(taken.Count == 0,
            $"host port{(taken.Count > 1 ? "s" : "")} {string.Join(", ", taken)} in use: the deployment publishes 8000-8005 and 18888; stop what holds them");

        var build = await CommandLine.RunAsync("bash", [Path.Combine(AppHostCli.RepositoryRoot, "deploy", "build-images.sh")], TimeSpan.FromMinutes(6));
        build.EnsureSuccess("deploy/build-images.sh");

        await using var deployment = await ComposeDeployment.PublishAsync(engine);
        try
        {
            await deployment.UpAsync();
            await WaitUntilHealthyAsync(Nodes);
            await WaitUntilTheLeaderStreamsToEveryFollowerAsync();

            await SweepFromTheHostAsync();
            await Write("acknowledged-by-all", "before the failures", quorum: 5, HttpStatusCode.OK);

            await KillTwoFollowersQuorumThreeStillWritesAndTheyCatchUpAsync(deployment);
            await DisconnectAFollowerAndItCatchesUpAfterReconnectingAsync(deployment);
            await RestartTheLeaderAndAcknowledgedDataIsStillThereAsync(deployment);
            await TheDashboardShowsTheServicesAsync(deployment);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- compose logs ---\n{await deployment.LogsAsync()}", e);
        }
    }

    /// <summary>
    /// Healthy nodes are not yet a connected cluster: until a follower's stream has opened, the leader does not know the
    /// follower's advertised URL and lists it under its service name, which a client on the host cannot resolve.
    /// </summary>
    private Task<KvStore.Node.Api.ClusterResponse> WaitUntilTheLeaderStreamsToEveryFollowerAsync() =>
        Deadline.UntilAsync(
            async () => (await _http.GetFromJsonAsync<KvStore.Node.Api.ClusterResponse>($"{NodeUrl("leader")}/cluster", TestContext.Current.CancellationToken))!,
            c => c.Followers.Count == 5 && c.Followers.All(f => f.AdvertisedUrl is not null && f.State == "healthy"),
            TimeSpan.FromSeconds(60), "the leader to stream to all five followers",
            c => string.Join(", ", c.Followers.Select(f => $"{f.Name} {f.State} {f.AdvertisedUrl ?? f.Url}")));

    private static async Task SweepFromTheHostAsync()
    {
        using var output = new TempDirectory();
        var result = await LoadRunnerCli.RunAsync(
            ["sweep", "--leader", NodeUrl("leader"), "--out", output.Path, "--quorums", "1,3,5", "--clients", "4", "--writes", "5", "--warmup", "2"],
            NoConfiguration(), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(output.File("sweep.json")), "the sweep wrote no sweep.json");
    }

    private async Task KillTwoFollowersQuorumThreeStillWritesAndTheyCatchUpAsync(ComposeDeployment deployment)
    {
        string[] killed = ["follower4", "follower5"];
        foreach (var follower in killed)
            (await ComposeDeployment.DockerAsync("kill", await deployment.ContainerAsync(follower))).EnsureSuccess("docker kill " + follower);

        await Write("while-two-are-down", "quorum 3", quorum: 3, HttpStatusCode.OK);
        var refused = await Write("while-two-are-down", "quorum 5", quorum: 5, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("quorum_timeout", refused.GetProperty("code").GetString());

        foreach (var follower in killed)
            (await ComposeDeployment.DockerAsync("start", await deployment.ContainerAsync(follower))).EnsureSuccess("docker start " + follower);
        await WaitUntilHealthyAsync(killed);
        await WaitUntilReplicasMatchAsync("the restarted followers to catch up");
    }

    private async Task DisconnectAFollowerAndItCatchesUpAfterReconnectingAsync(ComposeDeployment deployment)
    {
        var container = await deployment.ContainerAsync("follower3");
        (await ComposeDeployment.DockerAsync("network", "disconnect", deployment.Network, container)).EnsureSuccess("network disconnect");
        for (var i = 0; i < 5; i++)
            await Write($"while-follower3-is-cut-off-{i}", i, quorum: 3, HttpStatusCode.OK);

        // Compose's network alias (the service name) must come back with it, or the leader could not find it again.
        (await ComposeDeployment.DockerAsync("network", "connect", "--alias", "follower3", deployment.Network, container)).EnsureSuccess("network connect");
        await WaitUntilReplicasMatchAsync("follower3 to catch up after reconnecting");
    }

    private async Task RestartTheLeaderAndAcknowledgedDataIsStillThereAsync(ComposeDeployment deployment)
    {
        (await ComposeDeployment.DockerAsync("restart", "--time", "5", await deployment.ContainerAsync("leader"))).EnsureSuccess("docker restart leader");
        await WaitUntilHealthyAsync(["leader"]);

        foreach (var key in (string[])["acknowledged-by-all", "while-two-are-down", "while-follower3-is-cut-off-4"])
        {
            using var response = await _http.GetAsync($"{NodeUrl("leader")}/read?key={key}", TestContext.Current.CancellationToken);
            Assert.True(response.StatusCode == HttpStatusCode.OK, $"{key} is gone after the leader's restart: {(int)response.StatusCode}");
        }

        await Write("after-the-leader-restarted", "still writes", quorum: 5, HttpStatusCode.OK);
        await WaitUntilReplicasMatchAsync("every replica to agree after the leader's restart");
    }

    private static async Task TheDashboardShowsTheServicesAsync(ComposeDeployment deployment)
    {
        // The real Aspire dashboard, standalone: the browser token from .env logs in (a cookie), then its pages answer.
        using var handler = new HttpClientHandler { CookieContainer = new CookieContainer() };
        using var dashboard = new HttpClient(handler) { BaseAddress = new Uri("http://localhost:18888"), Timeout = TimeSpan.FromSeconds(15) };
        using var login = await dashboard.GetAsync($"/login?t={deployment.Env["DASHBOARD_BROWSER_TOKEN"]}", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, login.StatusCode);
        Assert.NotEqual("/login", login.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.NotEmpty(handler.CookieContainer.GetCookies(dashboard.BaseAddress));

        using var structuredLogs = await dashboard.GetAsync("/structuredlogs", TestContext.Current.CancellationToken);
        Assert.Equal(HttpStatusCode.OK, structuredLogs.StatusCode);
        Assert.Contains("Aspire", await structuredLogs.Content.ReadAsStringAsync(TestContext.Current.CancellationToken), StringComparison.Ordinal);
    }

    private async Task<JsonElement> Write(string key, object value, int quorum, HttpStatusCode expected)
    {
        using var response = await _http.PostAsJsonAsync($"{NodeUrl("leader")}/write?quorum={quorum}", new { key, value }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"write {key} with quorum {quorum}: {(int)response.StatusCode} {body}, expected {(int)expected}");
        return body.Length > 0 ? JsonDocument.Parse(body).RootElement.Clone() : default;
    }

    private async Task WaitUntilHealthyAsync(IEnumerable<string> nodes)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            await Deadline.UntilAsync(async () =>
            {
                try
                {
                    using var response = await _http.GetAsync($"{NodeUrl(node)}/health", TestContext.Current.CancellationToken);
                    return response.IsSuccessStatusCode;
                }
                catch (HttpRequestException)
                {
                    return false;
                }
                catch (TaskCanceledException) when (!TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            }, ok => ok, HealthTimeout - stopwatch.Elapsed, $"{node} to answer /health on the host");
        }
    }

    private static Task<CliResult> WaitUntilReplicasMatchAsync(string what) => Deadline.UntilAsync(
        () => LoadRunnerCli.RunAsync(["check", "--leader", NodeUrl("leader")], NoConfiguration(), TestContext.Current.CancellationToken),
        r => r.ExitCode == 0, CatchUpTimeout, what, r => r.ToString());

    // As a user on the host runs it: nothing but the leader's URL; /cluster names every follower by its advertised URL.
    private static IConfiguration NoConfiguration() => new ConfigurationBuilder().Build();
}

/// <summary>The Compose tests use the host's ports 8000-8005 and 18888: one at a time.</summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ComposeGroup
{
    public const string Name = "Compose deployment";
}
