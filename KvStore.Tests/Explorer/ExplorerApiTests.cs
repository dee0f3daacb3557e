using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using KvStore.Node.Api;
using KvStore.Node.Explorer;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Explorer;

/// <summary>The web UI's API on a real cluster: paging, truncation, writes through a follower, and refusals with codes.</summary>
[Collection(SharedClusterGroup.Name)]
public sealed class ExplorerApiTests(SharedCluster shared)
{
    private TestCluster Cluster => shared.Cluster;

    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task Data_pages_walk_a_prefix_in_key_order_with_each_keys_version()
    {
        var prefix = $"page-{Guid.NewGuid():N}/";
        var written = new SortedDictionary<string, long>(StringComparer.Ordinal);
        foreach (var i in Enumerable.Range(0, 25).Reverse())
        {
            var key = $"{prefix}{i:D2}";
            written[key] = (await PutAsync(Cluster.Leader, key, $$"""{"n":{{i}}}""")).Version;
        }

        var follower = Cluster.Followers[2];
        var seen = new List<ExplorerValue>();
        var pages = new List<ExplorerDataPage>();
        string? after = null;
        do
        {
            var query = $"/ui/api/data?prefix={Uri.EscapeDataString(prefix)}&limit=10&min_version={written.Values.Max()}" +
                (after is null ? "" : $"&after={Uri.EscapeDataString(after)}");
            var page = (await follower.GetFromJsonAsync<ExplorerDataPage>(query, Ct))!;
            pages.Add(page);
            seen.AddRange(page.Items);
            after = page.Next;
        }
        while (after is not null);

        Assert.Equal([10, 10, 5], pages.Select(p => p.Items.Count));
        Assert.All(pages, p => Assert.Equal(25, p.Matching));
        Assert.Equal(written.Keys, seen.Select(v => v.Key));
        Assert.Equal(written.Values, seen.Select(v => v.Version));
        Assert.Equal("""{"n":0}""", seen[0].Preview);
        Assert.All(seen, v => Assert.False(v.Truncated));
    }

    [Fact]
    public async Task A_one_mebibyte_value_is_listed_and_read_truncated_with_its_full_size()
    {
        var key = $"big-{Guid.NewGuid():N}";
        var json = "\"" + new string('é', 300) + new string('x', 1024 * 1024 - 2 - 600) + "\"";
        Assert.Equal(1024 * 1024, Encoding.UTF8.GetByteCount(json));
        var version = (await PutAsync(Cluster.Leader, key, json)).Version;

        var follower = Cluster.Followers[0];
        using var response = await follower.GetAsync($"/ui/api/data?prefix={key}&min_version={version}", Ct);
        var page = (await response.Content.ReadFromJsonAsync<ExplorerDataPage>(Ct))!;
        Assert.True(response.Content.Headers.ContentLength < 4096, $"a page with a 1 MiB value took {response.Content.Headers.ContentLength} bytes");
        var item = Assert.Single(page.Items);
        Assert.Equal((key, version, 1024 * 1024, true), (item.Key, item.Version, item.Bytes, item.Truncated));
        Assert.Equal(json[..200], item.Preview);

        var read = (await follower.GetFromJsonAsync<ExplorerValue>($"/ui/api/kv?key={key}", Ct))!;
        Assert.Equal((4000, true, 1024 * 1024), (read.Preview.Length, read.Truncated, read.Bytes));
        Assert.Equal(json, await follower.GetStringAsync($"/ui/api/value?key={key}", Ct));
    }

    [Fact]
    public async Task A_follower_forwards_the_pages_writes_and_deletes_to_the_leader()
    {
        var key = $"via-follower-{Guid.NewGuid():N}";
        var follower = Cluster.Followers[3];

        var written = await PutAsync(follower, key, "\"written on follower4's page\"");
        var onLeader = (await Cluster.Leader.GetFromJsonAsync<ReadResponse>($"/read?key={key}", Ct))!;
        Assert.Equal(written.Version, onLeader.Version);
        var onFollower = (await follower.GetFromJsonAsync<ExplorerValue>($"/ui/api/kv?key={key}&min_version={written.Version}", Ct))!;
        Assert.Equal(("\"written on follower4's page\"", written.Version), (onFollower.Preview, onFollower.Version));

        using var deleted = await follower.DeleteAsync($"/ui/api/kv?key={key}", Ct);
        Assert.Equal(HttpStatusCode.OK, deleted.StatusCode);
        await Problem.AssertAsync(await Cluster.Leader.GetAsync($"/read?key={key}", Ct), HttpStatusCode.NotFound, "not_found");
    }

    [Fact]
    public async Task Status_shows_the_leaders_five_followers_and_tells_a_follower_where_the_leader_is()
    {
        var leader = (await Cluster.Leader.GetFromJsonAsync<ExplorerStatus>("/ui/api/status", Ct))!;
        Assert.Equal(("leader", "leader"), (leader.Node, leader.Role));
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"follower{i}"), leader.Cluster!.Followers.Select(f => f.Name));

        var follower = (await Cluster.Followers[1].GetFromJsonAsync<ExplorerStatus>("/ui/api/status", Ct))!;
        Assert.Equal(("follower2", "follower", Cluster.LeaderUrl), (follower.Node, follower.Role, follower.Leader));
        Assert.Null(follower.Cluster);
    }

    [Fact]
    public async Task The_page_and_its_files_are_served_from_the_assembly_with_etags()
    {
        using var page = await Cluster.Followers[0].GetAsync("/ui", Ct);
        Assert.Equal("/ui/", page.RequestMessage!.RequestUri!.AbsolutePath);
        Assert.Equal("text/html", page.Content.Headers.ContentType?.MediaType);
        Assert.Contains("<title>KV explorer</title>", await page.Content.ReadAsStringAsync(Ct), StringComparison.Ordinal);

        foreach (var (file, type) in new[] { ("explorer.js", "text/javascript"), ("explorer.css", "text/css"), ("favicon.svg", "image/svg+xml") })
        {
            using var asset = await Cluster.Followers[0].GetAsync("/ui/" + file, Ct);
            Assert.Equal(type, asset.Content.Headers.ContentType?.MediaType);
            using var again = new HttpRequestMessage(HttpMethod.Get, "/ui/" + file);
            again.Headers.IfNoneMatch.Add(asset.Headers.ETag!);
            Assert.Equal(HttpStatusCode.NotModified, (await Cluster.Followers[0].SendAsync(again, Ct)).StatusCode);
        }
    }

    public static TheoryData<int, string, string, string?, HttpStatusCode, string> BadRequests => new()
    {
        { -1, "GET /ui/api/data?limit=0", "", null, HttpStatusCode.BadRequest, "invalid_limit" },
        { 0, "GET /ui/api/data?limit=1001", "", null, HttpStatusCode.BadRequest, "invalid_limit" },
        { 0, "GET /ui/api/data?limit=ten", "", null, HttpStatusCode.BadRequest, "invalid_limit" },
        { 0, "GET /ui/api/data?min_version=soon", "", null, HttpStatusCode.BadRequest, "invalid_min_version" },
        { 0, "GET /ui/api/kv", "", null, HttpStatusCode.BadRequest, "missing_key" },
        { 0, "GET /ui/api/kv?key=", "", null, HttpStatusCode.BadRequest, "invalid_key" },
        { 0, "GET /ui/api/kv?key=never-written", "", null, HttpStatusCode.NotFound, "not_found" },
        { 0, "GET /ui/api/value?key=never-written", "", null, HttpStatusCode.NotFound, "not_found" },
        { 0, "GET /ui/no-such-file.js", "", null, HttpStatusCode.NotFound, "route_not_found" },
        { -1, "PUT /ui/api/kv?key=k", """{"a":""", "application/json", HttpStatusCode.BadRequest, "invalid_json" },
        { 0, "PUT /ui/api/kv?key=k", """{"a":""", "application/json", HttpStatusCode.BadRequest, "invalid_json" },
        { 0, "PUT /ui/api/kv?key=k", "", "application/json", HttpStatusCode.BadRequest, "invalid_json" },
        { 0, "PUT /ui/api/kv?key=k", "1", "text/plain", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { 0, "PUT /ui/api/kv", "1", "application/json", HttpStatusCode.BadRequest, "missing_key" },
        { -1, "PUT /ui/api/kv?key=%20", "1", "application/json", HttpStatusCode.BadRequest, "invalid_key" },
        { 0, "PUT /ui/api/kv?key=" + new string('k', 1025), "1", "application/json", HttpStatusCode.BadRequest, "key_too_long" },
        { 0, "PUT /ui/api/kv?key=k", "\"" + new string('v', 1024 * 1024) + "\"", "application/json", HttpStatusCode.RequestEntityTooLarge, "value_too_large" },
        { -1, "DELETE /ui/api/kv?key=never-written", "", null, HttpStatusCode.NotFound, "not_found" },
        { 0, "DELETE /ui/api/kv?key=never-written", "", null, HttpStatusCode.NotFound, "not_found" },
    };

    /// <param name="node">-1 the leader, else a follower's slot.</param>
    [Theory]
    [MemberData(nameof(BadRequests))]
    public async Task Bad_input_is_refused_with_a_code_and_changes_nothing(
        int node, string request, string body, string? contentType, HttpStatusCode status, string code)
    {
        var client = node < 0 ? Cluster.Leader : Cluster.Followers[node];
        var before = await LeaderIndexAsync();
        var (method, path) = (request[..request.IndexOf(' ', StringComparison.Ordinal)], request[(request.IndexOf(' ', StringComparison.Ordinal) + 1)..]);
        using var message = new HttpRequestMessage(new HttpMethod(method), path);
        if (method == "PUT")
        {
            message.Content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
            message.Content.Headers.ContentType = contentType is null ? null : new MediaTypeHeaderValue(contentType);
        }

        await Problem.AssertAsync(await client.SendAsync(message, Ct), status, code);
        Assert.Equal(before, await LeaderIndexAsync());
    }

    [Fact]
    public async Task A_follower_whose_leader_is_down_refuses_the_pages_write_with_leader_unreachable()
    {
        var ports = FreePorts.Take(2);
        await using var lonely = await InProcessNode.StartAsync(ports[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["NODE_NAME"] = "lonely",
            ["LEADER"] = $"http://127.0.0.1:{ports[1]}",
            ["REPLICATION_TOKEN"] = "test-token",
        });
        using var client = new HttpClient { BaseAddress = new Uri(lonely.Url) };

        using var content = new StringContent("1", Encoding.UTF8, "application/json");
        var problem = await Problem.AssertAsync(await client.PutAsync("/ui/api/kv?key=k", content, Ct), HttpStatusCode.BadGateway, "leader_unreachable");
        Assert.Equal($"http://127.0.0.1:{ports[1]}", problem.GetProperty("leader").GetString());
        Assert.Equal(0, (await client.GetFromJsonAsync<ExplorerStatus>("/ui/api/status", Ct))!.AppliedIndex);
    }

    [Fact]
    public async Task A_follower_never_forwards_a_write_that_another_node_forwarded()
    {
        var before = await LeaderIndexAsync();
        using var message = new HttpRequestMessage(HttpMethod.Put, "/ui/api/kv?key=forwarded-twice")
        {
            Content = new StringContent("1", Encoding.UTF8, "application/json"),
        };
        message.Headers.Add(LeaderForwarder.ForwardedHeader, "follower1");

        await Problem.AssertAsync(await Cluster.Followers[1].SendAsync(message, Ct), HttpStatusCode.MisdirectedRequest, "not_leader");
        Assert.Equal(before, await LeaderIndexAsync());
    }

    private async Task<long> LeaderIndexAsync() => (await Cluster.Leader.GetFromJsonAsync<ExplorerStatus>("/ui/api/status", Ct))!.AppliedIndex;

    private static async Task<WriteResponse> PutAsync(HttpClient node, string key, string json)
    {
        using var content = new StringContent(json, Encoding.UTF8, "application/json");
        using var response = await node.PutAsync($"/ui/api/kv?key={Uri.EscapeDataString(key)}", content, Ct);
        Assert.True(response.IsSuccessStatusCode, await response.Content.ReadAsStringAsync(Ct));
        return (await response.Content.ReadFromJsonAsync<WriteResponse>(Ct))!;
    }
}
