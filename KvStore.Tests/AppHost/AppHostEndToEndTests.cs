using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.AppHost.Orchestration;

namespace KvStore.Tests.AppHost;

/// <summary>The AppHost as a process: its nodes, their wiring, and resource control through the dashboard's API.</summary>
[Collection(AppHostGroup.Name)]
public sealed class AppHostEndToEndTests(AppHostFixture fixture)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(60);
    private AppHostProcess AppHost => fixture.AppHost;
    private static CancellationToken Cancellation => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Six_nodes_run_healthy_and_the_load_runner_waits_for_an_explicit_start()
    {
        var resources = await AppHost.ResourcesAsync();

        Assert.Equal([.. AppHostProcess.NodeNames, "loadrunner"], resources.Select(r => r.Name));
        foreach (var node in resources.Where(r => r.Name != "loadrunner"))
        {
            Assert.True(AppHostProcess.IsHealthy(node), $"{node.Name} is {node.State}/{node.Health}");
            Assert.NotNull(node.Pid);
            Assert.Equal([AppHost.NodeUrl(node.Name)], node.Urls);
            using var health = await AppHost.Nodes.GetAsync(AppHost.NodeUrl(node.Name) + "/health", Cancellation);
            Assert.Equal(HttpStatusCode.OK, health.StatusCode);
        }

        var loadRunner = resources.Single(r => r.Name == "loadrunner");
        Assert.Equal(ResourceState.NotStarted, loadRunner.State);
        Assert.True(loadRunner.ExplicitStart);
        Assert.Null(loadRunner.Pid);
        Assert.Equal(["sweep", "--leader", "http://leader", "--out"], loadRunner.Args.Take(4));
        var loadRunnerEnv = loadRunner.Environment.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(AppHost.NodeUrl("leader"), loadRunnerEnv["services__leader__http__0"]);
        Assert.Equal("0.001", loadRunnerEnv["MAX_DELAY"]);
    }

    [Fact]
    public async Task Nodes_are_wired_with_aspire_service_discovery_variables_and_the_secret_is_masked()
    {
        var leader = await AppHost.ResourceAsync("leader");
        var follower = await AppHost.ResourceAsync("follower3");
        var leaderEnv = leader.Environment.ToDictionary(e => e.Name, e => e.Value);
        var followerEnv = follower.Environment.ToDictionary(e => e.Name, e => e.Value);

        Assert.Equal("leader", leaderEnv["ROLE"]);
        Assert.Equal("3", leaderEnv["WRITE_QUORUM"]);
        Assert.Equal("follower1,follower2,follower3,follower4,follower5", leaderEnv["FOLLOWERS"]);
        Assert.Equal(AppHost.NodeUrl("follower2"), leaderEnv["services__follower2__http__0"]);
        Assert.Equal(AppHost.NodeUrl("follower2"), leaderEnv["FOLLOWER2_HTTP"]);
        Assert.Equal("******", leaderEnv["REPLICATION_TOKEN"]);
        Assert.Equal("follower", followerEnv["ROLE"]);
        Assert.Equal(AppHost.NodeUrl("leader"), followerEnv["services__leader__http__0"]);
        Assert.Equal(AppHost.NodeUrl("leader"), followerEnv["LEADER_HTTP"]);
    }

    [Fact]
    public async Task A_write_through_the_leader_is_read_on_every_follower()
    {
        var key = "e2e-" + Guid.NewGuid().ToString("N");
        using var write = await AppHost.Nodes.PostAsJsonAsync(AppHost.NodeUrl("leader") + "/write", new { key, value = new { hello = "world" } }, Cancellation);
        Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        var version = (await write.Content.ReadFromJsonAsync<JsonElement>(Cancellation)).GetProperty("version").GetInt64();

        foreach (var follower in AppHostProcess.NodeNames.Skip(1))
        {
            // A quorum of 3 acknowledged the write; the other two followers apply it moments later.
            var read = await Deadline.UntilAsync(
                () => ReadAsync(follower, key), r => r?.GetProperty("version").GetInt64() == version, Timeout, $"{key} on {follower}");
            Assert.Equal("world", read!.Value.GetProperty("value").GetProperty("hello").GetString());
        }
    }

    [Fact]
    public async Task A_stopped_follower_shows_it_and_catches_up_when_started_again()
    {
        const string follower = "follower2";
        await using var restore = fixture.RestoreNodesAfterward();
        var before = await AppHost.ResourceAsync(follower);

        using var stop = await AppHost.Api.PostAsync($"/api/resources/{follower}/stop", null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, stop.StatusCode);
        var stopped = await AppHost.ResourceAsync(follower);
        Assert.Equal(ResourceState.Stopped, stopped.State);
        Assert.Null(stopped.Pid);
        Assert.Null(stopped.Health);
        Assert.False(ChildProcesses.IsAlive(before.Pid!.Value), "the stopped follower's process is gone");
        await Assert.ThrowsAsync<HttpRequestException>(() => AppHost.Nodes.GetAsync(AppHost.NodeUrl(follower) + "/health", Cancellation));

        // Writes go on without it (quorum 3 of the 4 left), and it has to catch up on them.
        var keys = Enumerable.Range(0, 20).Select(i => $"catch-up-{i}-{Guid.NewGuid():N}").ToList();
        foreach (var key in keys)
        {
            using var write = await AppHost.Nodes.PostAsJsonAsync(AppHost.NodeUrl("leader") + "/write", new { key, value = key.Length }, Cancellation);
            Assert.Equal(HttpStatusCode.OK, write.StatusCode);
        }

        using var start = await AppHost.Api.PostAsync($"/api/resources/{follower}/start", null, Cancellation);
        Assert.Equal(HttpStatusCode.OK, start.StatusCode);
        var restarted = await AppHost.WaitForResourcesAsync(rs => AppHostProcess.IsHealthy(rs.Single(r => r.Name == follower)), $"{follower} healthy again");
        var after = restarted.Single(r => r.Name == follower);
        Assert.NotEqual(before.Pid, after.Pid);
        Assert.Equal(before.RestartCount + 1, after.RestartCount);

        var leaderData = await DataAsync("leader");
        await Deadline.UntilAsync(() => DataAsync(follower),
            d => d.GetProperty("data").ToString() == leaderData.GetProperty("data").ToString(),
            Timeout, $"{follower}'s /data to equal the leader's", d => $"applied index {d.GetProperty("appliedIndex")}");
    }

    [Fact]
    public async Task Console_output_is_captured_per_resource_and_downloadable()
    {
        var page = await AppHost.Api.GetFromJsonAsync<JsonElement>("/api/resources/leader/logs?after=0", AppHostProcess.Json, Cancellation);
        var lines = page.GetProperty("lines").EnumerateArray().ToList();
        Assert.Contains(lines, l => l.GetProperty("source").GetString() == "System" && l.GetProperty("text").GetString()!.StartsWith("Starting leader", StringComparison.Ordinal));
        Assert.Contains(lines, l => l.GetProperty("source").GetString() == "Stdout");

        var last = page.GetProperty("last").GetInt64();
        var next = await AppHost.Api.GetFromJsonAsync<JsonElement>($"/api/resources/leader/logs?after={last}", AppHostProcess.Json, Cancellation);
        Assert.All(next.GetProperty("lines").EnumerateArray(), l => Assert.True(l.GetProperty("sequence").GetInt64() > last));

        using var download = await AppHost.Api.GetAsync("/api/resources/leader/logs/download", Cancellation);
        Assert.Equal(HttpStatusCode.OK, download.StatusCode);
        Assert.Equal("text/plain", download.Content.Headers.ContentType?.MediaType);
        Assert.StartsWith("leader-", download.Content.Headers.ContentDisposition?.FileName?.Trim('"'), StringComparison.Ordinal);
        Assert.Contains("Starting leader", await download.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task Commands_on_unknown_or_running_resources_are_refused()
    {
        using var unknown = await AppHost.Api.PostAsync("/api/resources/nope/start", null, Cancellation);
        Assert.Equal(HttpStatusCode.NotFound, unknown.StatusCode);

        using var running = await AppHost.Api.PostAsync("/api/resources/follower1/start", null, Cancellation);
        Assert.Equal(HttpStatusCode.Conflict, running.StatusCode);
        Assert.Contains("already running", await running.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    [Fact]
    public async Task The_dashboard_wants_the_browser_token()
    {
        using var handler = new HttpClientHandler { AllowAutoRedirect = false, UseCookies = true };
        using var browser = new HttpClient(handler) { BaseAddress = new Uri(AppHost.DashboardUrl) };

        using var anonymousApi = await browser.GetAsync("/api/resources", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, anonymousApi.StatusCode);
        using var anonymousPage = await browser.GetAsync("/", Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, anonymousPage.StatusCode);
        Assert.StartsWith("/login", anonymousPage.Headers.Location?.PathAndQuery, StringComparison.Ordinal);

        using var wrongToken = new HttpRequestMessage(HttpMethod.Get, "/api/resources") { Headers = { { "Authorization", "Bearer not-the-token" } } };
        using var wrong = await browser.SendAsync(wrongToken, Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, wrong.StatusCode);
        using var badLogin = await browser.GetAsync("/login?t=not-the-token", Cancellation);
        Assert.Equal(HttpStatusCode.Unauthorized, badLogin.StatusCode);

        using var login = await browser.GetAsync(new Uri(AppHost.LoginUrl).PathAndQuery, Cancellation);
        Assert.Equal(HttpStatusCode.Redirect, login.StatusCode);
        Assert.Equal("/", login.Headers.Location?.OriginalString);
        using var withCookie = await browser.GetAsync("/api/resources", Cancellation);
        Assert.Equal(HttpStatusCode.OK, withCookie.StatusCode);
        using var page = await browser.GetAsync("/explorer", Cancellation);
        Assert.Equal(HttpStatusCode.OK, page.StatusCode);
        Assert.Contains("/assets/app.js", await page.Content.ReadAsStringAsync(Cancellation), StringComparison.Ordinal);
    }

    private async Task<JsonElement?> ReadAsync(string node, string key)
    {
        using var response = await AppHost.Nodes.GetAsync($"{AppHost.NodeUrl(node)}/read?key={Uri.EscapeDataString(key)}", Cancellation);
        return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync<JsonElement>(Cancellation) : null;
    }

    private async Task<JsonElement> DataAsync(string node) =>
        await AppHost.Nodes.GetFromJsonAsync<JsonElement>(AppHost.NodeUrl(node) + "/data", Cancellation);
}
