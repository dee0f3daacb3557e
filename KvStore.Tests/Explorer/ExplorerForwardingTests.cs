using System.Net;
using System.Net.Http.Json;
using System.Text;
using KvStore.Node.Api;
using KvStore.Node.Explorer;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Explorer;

/// <summary>
/// A follower's web UI forwards writes to the leader at the address the follower itself reaches it at, not at the URL the
/// leader advertises to clients: in Compose that is a host port mapping (http://localhost:8000), which inside a
/// follower's container is the follower. Here every advertised URL is a port nothing listens on.
/// </summary>
public sealed class ExplorerForwardingTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task With_a_fixed_leader_a_followers_page_writes_through_LEADER_not_the_advertised_url()
    {
        var ports = FreePorts.Take(4);
        var (leaderPort, followerPort) = (ports[0], ports[1]);
        await using var follower = await InProcessNode.StartAsync(followerPort, new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["NODE_NAME"] = "follower1",
            ["LEADER"] = Url(leaderPort),
            ["ADVERTISED_URL"] = Url(ports[3]),
            ["REPLICATION_TOKEN"] = "forwarding",
        });
        await using var leader = await InProcessNode.StartAsync(leaderPort, new Dictionary<string, string?>
        {
            ["ROLE"] = "leader",
            ["NODE_NAME"] = "leader",
            ["FOLLOWERS"] = Url(followerPort),
            ["WRITE_QUORUM"] = "1",
            ["ADVERTISED_URL"] = Url(ports[2]),
            ["REPLICATION_TOKEN"] = "forwarding",
        });

        await AssertForwardedAsync(follower, advertisedLeader: Url(ports[2]));
    }

    [Fact]
    public async Task With_failover_a_followers_page_writes_to_the_peer_the_leader_is_named_as()
    {
        var ports = FreePorts.Take(4);
        var names = new[] { "node0", "node1" };
        Dictionary<string, string?> Settings(int i) => new()
        {
            ["FAILOVER"] = "manual",
            ["ROLE"] = i == 0 ? "leader" : "follower",
            ["NODE_NAME"] = names[i],
            // PEERS by service name, resolved as under the AppHost and Compose.
            ["PEERS"] = names[1 - i],
            [$"services:{names[1 - i]}:http:0"] = Url(ports[1 - i]),
            ["WRITE_QUORUM"] = "1",
            ["ADVERTISED_URL"] = Url(ports[2 + i]),
            ["REPLICATION_TOKEN"] = "forwarding",
        };
        await using var follower = await InProcessNode.StartAsync(ports[1], Settings(1));
        await using var leader = await InProcessNode.StartAsync(ports[0], Settings(0));

        await AssertForwardedAsync(follower, advertisedLeader: Url(ports[2]));
    }

    /// <summary>Once the follower names the advertised leader to clients, its page's write reaches the leader and reads back.</summary>
    private static async Task AssertForwardedAsync(InProcessNode follower, string advertisedLeader)
    {
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url) };
        await Deadline.UntilAsync(() => client.GetFromJsonAsync<ExplorerStatus>("/ui/api/status", Ct), s => s?.Leader == advertisedLeader,
            TimeSpan.FromSeconds(20), "the follower to learn the leader's advertised URL", s => s?.Leader ?? "-");

        using var content = new StringContent("""{"via":"follower"}""", Encoding.UTF8, "application/json");
        using var written = await client.PutAsync("/ui/api/kv?key=forwarded", content, Ct);
        Assert.True(written.StatusCode == HttpStatusCode.OK, $"the forwarded write answered {(int)written.StatusCode}: {await written.Content.ReadAsStringAsync(Ct)}");
        var version = (await written.Content.ReadFromJsonAsync<WriteResponse>(Ct))!.Version;

        // min_version: the read waits until the follower has applied its own forwarded write.
        var read = await client.GetFromJsonAsync<ReadResponse>($"/read?key=forwarded&min_version={version}", Ct);
        Assert.Equal("""{"via":"follower"}""", System.Text.Encoding.UTF8.GetString(read!.Value.Utf8.Span));
    }

    private static string Url(int port) => $"http://127.0.0.1:{port}";
}
