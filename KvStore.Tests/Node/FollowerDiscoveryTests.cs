using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>FOLLOWERS by service name, resolved through services__NAME__http__0 as Aspire injects it; a name nothing resolves stops the leader.</summary>
public sealed class FollowerDiscoveryTests
{
    [Fact]
    public async Task A_leader_replicates_to_followers_named_as_services_and_lists_them_by_name()
    {
        var ports = FreePorts.Take(3);
        var leaderUrl = $"http://127.0.0.1:{ports[0]}";
        await using var follower1 = await InProcessNode.StartAsync(ports[1], Follower("follower1", leaderUrl));
        await using var follower2 = await InProcessNode.StartAsync(ports[2], Follower("follower2", leaderUrl));
        await using var leader = await InProcessNode.StartAsync(ports[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "leader",
            ["REPLICATION_TOKEN"] = "discovery",
            ["WRITE_QUORUM"] = "2",
            // One by bare name, one by service URL, as FOLLOWERS accepts both.
            ["FOLLOWERS"] = "follower1,http://follower2",
            ["services:follower1:http:0"] = follower1.Url,
            ["services:follower2:http:0"] = follower2.Url,
        });
        using var http = new HttpClient { BaseAddress = new Uri(leader.Url) };
        var ct = TestContext.Current.CancellationToken;

        (await http.PostAsJsonAsync("/write", new { key = "discovered", value = 1 }, ct)).EnsureSuccessStatusCode();

        var followers = (await http.GetFromJsonAsync<JsonElement>("/cluster", ct)).GetProperty("followers").EnumerateArray().ToArray();
        Assert.Equal(["follower1", "follower2"], followers.Select(f => f.GetProperty("name").GetString()));
        Assert.Equal([follower1.Url, follower2.Url], followers.Select(f => f.GetProperty("url").GetString()));
    }

    [Fact]
    public async Task A_follower_name_no_configuration_knows_stops_the_leader_naming_the_variable_to_set()
    {
        var error = await Assert.ThrowsAsync<InvalidOperationException>(() => InProcessNode.StartAsync(FreePorts.Take(1)[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "leader",
            ["REPLICATION_TOKEN"] = "discovery",
            ["WRITE_QUORUM"] = "1",
            ["FOLLOWERS"] = "follower7",
        }));

        Assert.StartsWith("kvstore: cannot start: FOLLOWERS entry 'follower7' is neither a URL nor a known service", error.Message, StringComparison.Ordinal);
        Assert.Contains("services__follower7__http__0", error.Message, StringComparison.Ordinal);
    }

    private static Dictionary<string, string?> Follower(string name, string leaderUrl) => new()
    {
        ["ROLE"] = "follower",
        ["NODE_NAME"] = name,
        ["LEADER"] = leaderUrl,
        ["REPLICATION_TOKEN"] = "discovery",
    };
}
