using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.LoadRunner;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;

namespace KvStore.Tests.Node;

/// <summary>
/// ADVERTISED_URL, the address clients outside a deployment reach a node at (a Compose port mapping): the leader lists
/// its own and every follower's in GET /cluster beside the internal URLs, and a follower's 421 sends writers there.
/// </summary>
public sealed class AdvertisedUrlTests
{
    // localhost rather than the 127.0.0.1 the nodes use among themselves: reachable from here, and told apart.
    private static string Advertised(int port) => $"http://localhost:{port}";

    [Fact]
    public async Task The_cluster_lists_every_nodes_advertised_url_beside_the_internal_one_and_followers_send_writers_there()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings
        {
            Followers = 2,
            WriteQuorum = 2,
            AdvertisedUrl = (_, port) => Advertised(port),
        });
        var ct = TestContext.Current.CancellationToken;

        var status = await cluster.Leader.GetFromJsonAsync<JsonElement>("/cluster", ct);
        Assert.Equal(Advertised(cluster.LeaderPort), status.GetProperty("advertisedUrl").GetString());
        var followers = status.GetProperty("followers").EnumerateArray().ToArray();
        Assert.Equal(cluster.FollowerUrls, followers.Select(f => f.GetProperty("url").GetString()));
        Assert.Equal(cluster.FollowerUrls.Select(u => Advertised(new Uri(u).Port)), followers.Select(f => f.GetProperty("advertisedUrl").GetString()));

        using var refused = await cluster.Followers[0].PostAsJsonAsync("/write", new { key = "k", value = 1 }, ct);
        var problem = await Problem.AssertAsync(refused, HttpStatusCode.MisdirectedRequest, "not_leader");
        Assert.Equal(Advertised(cluster.LeaderPort), problem.GetProperty("leader").GetString());
        Assert.Contains(Advertised(cluster.LeaderPort), problem.GetProperty("detail").GetString(), StringComparison.Ordinal);

        // The load runner reaches the followers at the URLs they advertise.
        var check = await LoadRunnerCli.RunAsync("check", "--leader", Advertised(cluster.LeaderPort), "--settle", "10s");
        Assert.True(check.ExitCode == ExitCodes.Success, check.ToString());
    }

    [Fact]
    public async Task Without_advertised_urls_the_cluster_lists_none_and_a_follower_names_LEADER()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings { Followers = 1, WriteQuorum = 1 });
        var ct = TestContext.Current.CancellationToken;

        var status = await cluster.Leader.GetFromJsonAsync<JsonElement>("/cluster", ct);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("advertisedUrl").ValueKind);
        Assert.Equal(JsonValueKind.Null, status.GetProperty("followers")[0].GetProperty("advertisedUrl").ValueKind);

        using var refused = await cluster.Followers[0].PostAsJsonAsync("/write", new { key = "k", value = 1 }, ct);
        var problem = await Problem.AssertAsync(refused, HttpStatusCode.MisdirectedRequest, "not_leader");
        Assert.Equal(cluster.LeaderUrl, problem.GetProperty("leader").GetString());
    }
}
