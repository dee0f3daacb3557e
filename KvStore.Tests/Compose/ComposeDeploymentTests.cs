using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Tests.Failover;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;
using KvStore.Tests.Publishing;

namespace KvStore.Tests.Compose;

/// <summary>
/// The Compose deployment on a real Docker engine, as a user runs it: the images built by deploy/build-images.sh, the
/// published docker-compose.yml (FAILOVER=etcd, with its etcd service) brought up, then the load runner's sweep from
/// the host, followers killed and started, one cut off the network and reconnected, the leader restarted, the leader
/// killed under quorum writes and replaced, and the dashboard service checked. Any node may lead (under etcd a follower
/// can win the first election), so every step finds the current leader. Skipped without a Docker engine (failed under
/// CI=true); always taken down.
/// </summary>
[Collection(ComposeGroup.Name)]
public sealed class ComposeDeploymentTests : IDisposable
{
    private static readonly int[] HostPorts = [8000, 8001, 8002, 8003, 8004, 8005, 18888];
    private static readonly TimeSpan SettleTimeout = TimeSpan.FromSeconds(60);

    /// <summary>From the kill to a quorum-3 write acknowledged by another node: lease expiry, election, the writers' discovery.</summary>
    private static readonly TimeSpan NewLeaderTimeout = TimeSpan.FromSeconds(20);

    private readonly ComposeCluster _cluster = new();

    public void Dispose() => _cluster.Dispose();

    [Fact]
    public async Task The_published_deployment_runs_fails_over_survives_failures_and_reports_to_its_dashboard()
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
            await _cluster.WaitUntilHealthyAsync(ComposeCluster.Nodes);
            var leader = (await _cluster.WaitForSettledLeaderAsync("a leader streaming to all five others", SettleTimeout))!;
            Log($"{leader.Name} leads epoch {leader.Epoch}");

            await SweepFromTheHostAsync(leader);
            await AFollowersWebUiWritesThroughTheLeaderAsync(leader);
            await _cluster.WriteAsync(leader, "acknowledged-by-all", "before the failures", quorum: 5, HttpStatusCode.OK);

            await KillTwoFollowersQuorumThreeStillWritesAndTheyCatchUpAsync(deployment, leader);
            await DisconnectAFollowerAndItCatchesUpAfterReconnectingAsync(deployment, leader);
            leader = await RestartTheLeaderAndAcknowledgedDataIsStillThereAsync(deployment, leader);
            await KillTheLeaderUnderQuorumWritesAndAnotherTakesOverAsync(deployment, leader);
            await TheDashboardShowsTheServicesAsync(deployment);
        }
        catch (Exception e)
        {
            throw new InvalidOperationException($"{e.Message}\n--- compose logs ---\n{await deployment.LogsAsync()}", e);
        }
    }

    /// <summary>The follower forwards inside the network (the leader's service name), not to its advertised host port.</summary>
    private async Task AFollowersWebUiWritesThroughTheLeaderAsync(ComposeLeader leader)
    {
        var follower = ComposeCluster.NodeUrl(ComposeCluster.Nodes.First(n => n != leader.Name));
        using var content = new StringContent("\"from the page\"", System.Text.Encoding.UTF8, "application/json");
        using var written = await _cluster.Http.PutAsync($"{follower}/ui/api/kv?key=ui-write", content, TestContext.Current.CancellationToken);
        Assert.True(written.StatusCode == HttpStatusCode.OK,
            $"a follower's page write answered {(int)written.StatusCode}: {await written.Content.ReadAsStringAsync(TestContext.Current.CancellationToken)}");
        var version = (await written.Content.ReadFromJsonAsync<WriteResponse>(TestContext.Current.CancellationToken))!.Version;
        var read = await _cluster.Http.GetFromJsonAsync<ReadResponse>($"{follower}/read?key=ui-write&min_version={version}", TestContext.Current.CancellationToken);
        Assert.Equal("\"from the page\"", System.Text.Encoding.UTF8.GetString(read!.Value.Utf8.Span));
    }

    private static async Task SweepFromTheHostAsync(ComposeLeader leader)
    {
        using var output = new TempDirectory();
        var result = await LoadRunnerCli.RunAsync(
            ["sweep", "--leader", leader.Url, "--out", output.Path, "--quorums", "1,3,5", "--clients", "4", "--writes", "5", "--warmup", "2"],
            ComposeCluster.NoConfiguration(), TestContext.Current.CancellationToken);
        Assert.True(result.ExitCode == 0, result.ToString());
        Assert.True(File.Exists(output.File("sweep.json")), "the sweep wrote no sweep.json");
    }

    private async Task KillTwoFollowersQuorumThreeStillWritesAndTheyCatchUpAsync(ComposeDeployment deployment, ComposeLeader leader)
    {
        var killed = ComposeCluster.Nodes.Where(n => n != leader.Name).TakeLast(2).ToList();
        foreach (var follower in killed)
            (await ComposeDeployment.DockerAsync("kill", await deployment.ContainerAsync(follower))).EnsureSuccess("docker kill " + follower);

        await _cluster.WriteAsync(leader, "while-two-are-down", "quorum 3", quorum: 3, HttpStatusCode.OK);
        var (_, refused) = await _cluster.WriteAsync(leader, "while-two-are-down", "quorum 5", quorum: 5, HttpStatusCode.ServiceUnavailable);
        Assert.Equal("quorum_timeout", refused);

        foreach (var follower in killed)
            (await ComposeDeployment.DockerAsync("start", await deployment.ContainerAsync(follower))).EnsureSuccess("docker start " + follower);
        await _cluster.WaitUntilHealthyAsync(killed);
        await ComposeCluster.WaitUntilReplicasMatchAsync(leader, $"the restarted {string.Join(" and ", killed)} to catch up");
    }

    private async Task DisconnectAFollowerAndItCatchesUpAfterReconnectingAsync(ComposeDeployment deployment, ComposeLeader leader)
    {
        var follower = ComposeCluster.Nodes.Where(n => n != leader.Name).ElementAt(2);
        var container = await deployment.ContainerAsync(follower);
        (await ComposeDeployment.DockerAsync("network", "disconnect", deployment.Network, container)).EnsureSuccess("network disconnect");
        for (var i = 0; i < 5; i++)
            await _cluster.WriteAsync(leader, $"while-a-follower-is-cut-off-{i}", i, quorum: 3, HttpStatusCode.OK);

        // Compose's network alias (the service name) must come back with it, or the leader could not find it again.
        (await ComposeDeployment.DockerAsync("network", "connect", "--alias", follower, deployment.Network, container)).EnsureSuccess("network connect");
        await ComposeCluster.WaitUntilReplicasMatchAsync(leader, $"{follower} to catch up after reconnecting");
    }

    /// <summary>A restart (SIGTERM, then start) of the leader: it, or another node after an election, leads again; nothing acknowledged is gone.</summary>
    private async Task<ComposeLeader> RestartTheLeaderAndAcknowledgedDataIsStillThereAsync(ComposeDeployment deployment, ComposeLeader restarted)
    {
        (await ComposeDeployment.DockerAsync("restart", "--time", "5", await deployment.ContainerAsync(restarted.Name))).EnsureSuccess("docker restart " + restarted.Name);
        await _cluster.WaitUntilHealthyAsync([restarted.Name]);
        var leader = (await _cluster.WaitForSettledLeaderAsync($"a leader streaming to all five others after {restarted.Name}'s restart", SettleTimeout))!;
        Log($"after {restarted.Name}'s restart {leader.Name} leads epoch {leader.Epoch}");

        var data = await _cluster.DataAsync(leader.Name);
        foreach (var key in (string[])["acknowledged-by-all", "while-two-are-down", "while-a-follower-is-cut-off-4"])
            Assert.True(data.Data.ContainsKey(key), $"{key} is gone after {restarted.Name}'s restart (read on {leader.Name})");

        await _cluster.WriteAsync(leader, "after-the-leader-restarted", "still writes", quorum: 5, HttpStatusCode.OK);
        await ComposeCluster.WaitUntilReplicasMatchAsync(leader, $"every replica to agree after {restarted.Name}'s restart");
        return leader;
    }

    /// <summary>
    /// The failover a user notices: the leader's container killed while clients write at quorum 3. Another node must
    /// acknowledge quorum-3 writes within <see cref="NewLeaderTimeout"/>, in a newer epoch, with every write acknowledged
    /// before or after at its version; the old leader, started again on its volume, follows, and all six converge.
    /// </summary>
    private async Task KillTheLeaderUnderQuorumWritesAndAnotherTakesOverAsync(ComposeDeployment deployment, ComposeLeader old)
    {
        var oldIndex = ComposeCluster.IndexOf(old.Name);
        var container = await deployment.ContainerAsync(old.Name);
        var urls = ComposeCluster.Nodes.Select(ComposeCluster.NodeUrl).ToList();
        ComposeLeader leader;
        await using (var writers = new FollowingWriters(_cluster.Quick, urls, clients: 4, keys: 0, firstLeader: oldIndex))
        {
            await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30));
            var killedAt = Stopwatch.GetTimestamp();
            (await ComposeDeployment.DockerAsync("kill", container)).EnsureSuccess("docker kill " + old.Name);
            // A killed container stays down (Docker counts a kill as a manual stop): only another node can take over.
            Assert.Equal("false", (await ComposeDeployment.DockerAsync("inspect", "-f", "{{.State.Running}}", container)).Output.Trim());

            var first = await writers.FirstAckAfterAsync(killedAt, oldIndex, NewLeaderTimeout);
            Log($"killed {old.Name} (epoch {old.Epoch}) under quorum-3 writes: {ComposeCluster.Nodes[first.Node]} acknowledged a write " +
                $"{Stopwatch.GetElapsedTime(killedAt, first.At).TotalMilliseconds:0} ms later");
            await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30), after: killedAt, notBy: oldIndex);
            await writers.StopAsync();

            leader = (await Deadline.UntilAsync(_cluster.FindLeaderAsync, l => l is not null && l.Epoch > old.Epoch,
                TimeSpan.FromSeconds(10), $"a leader newer than {old.Name}'s epoch {old.Epoch}", l => $"{l?.Name} epoch {l?.Epoch}"))!;
            Assert.NotEqual(old.Name, leader.Name);
            AssertEveryAcknowledgedWriteIsThere(writers, await _cluster.DataAsync(leader.Name), leader.Name);
            Log($"{writers.Acked.Count} writes acknowledged ({writers.Acked.Count(a => a.Node == oldIndex)} by {old.Name}), all on {leader.Name}");

            // The old leader comes back on its volume: it follows the new epoch (its unacknowledged tail truncated) and catches up.
            (await ComposeDeployment.DockerAsync("start", container)).EnsureSuccess("docker start " + old.Name);
            await _cluster.WaitUntilHealthyAsync([old.Name]);
            leader = (await _cluster.WaitForSettledLeaderAsync($"{leader.Name} to stream to {old.Name} again", SettleTimeout, newerThan: old.Epoch))!;
            var rejoined = await _cluster.TryClusterAsync(old.Name);
            Assert.True(rejoined is { Role: "follower" } && rejoined.Epoch == leader.Epoch,
                $"{old.Name} came back as {rejoined?.Role} in epoch {rejoined?.Epoch}; {leader.Name} leads epoch {leader.Epoch}");
            await ComposeCluster.WaitUntilReplicasMatchAsync(leader, $"all six to converge after {old.Name} rejoined");
            AssertEveryAcknowledgedWriteIsThere(writers, await _cluster.DataAsync(old.Name), old.Name);
        }
    }

    /// <summary>Each write has a key of its own, so each acknowledged one must be there at exactly its version.</summary>
    private static void AssertEveryAcknowledgedWriteIsThere(FollowingWriters writers, DataResponse data, string node)
    {
        writers.AssertNoneLost(data);
        foreach (var write in writers.Acked)
            Assert.True(data.Data[write.Key].Version == write.Version, $"{node} has {write.Key} at version {data.Data[write.Key].Version}, acknowledged at {write.Version}");
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

    private static void Log(string line) => TestContext.Current.TestOutputHelper?.WriteLine(line);
}

/// <summary>The Compose tests use the host's ports 8000-8005 and 18888: one at a time.</summary>
[CollectionDefinition(ComposeGroup.Name, DisableParallelization = true)]
public sealed class ComposeGroup
{
    public const string Name = "Compose deployment";
}
