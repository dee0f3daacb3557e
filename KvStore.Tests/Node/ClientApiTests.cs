using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text;
using System.Text.Json;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>Bad input, role and precondition rules of the client API: each refusal has a code and changes nothing.</summary>
[Collection(SharedClusterGroup.Name)]
public sealed class ClientApiTests(SharedCluster shared)
{
    private TestCluster Cluster => shared.Cluster;

    public static TheoryData<string, string, string?, HttpStatusCode, string> BadWrites => new()
    {
        { "/write", """{"value":1}""", "application/json", HttpStatusCode.BadRequest, "missing_key" },
        { "/write", """{"key":"","value":1}""", "application/json", HttpStatusCode.BadRequest, "invalid_key" },
        { "/write", """{"key":42,"value":1}""", "application/json", HttpStatusCode.BadRequest, "invalid_key" },
        { "/write", "{\"key\":\"" + new string('k', 1025) + "\",\"value\":1}", "application/json", HttpStatusCode.BadRequest, "key_too_long" },
        { "/write", """{"key":"k"}""", "application/json", HttpStatusCode.BadRequest, "missing_value" },
        { "/write", """{"key":"k","value":""", "application/json", HttpStatusCode.BadRequest, "invalid_json" },
        { "/write", """{"key":"k","value":1} trailing""", "application/json", HttpStatusCode.BadRequest, "invalid_json" },
        { "/write", """["k",1]""", "application/json", HttpStatusCode.BadRequest, "invalid_body" },
        { "/write", "\"just a string\"", "application/json", HttpStatusCode.BadRequest, "invalid_body" },
        { "/write", """{"key":"k","value":1}""", "text/plain", HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "/write", """{"key":"k","value":1}""", null, HttpStatusCode.UnsupportedMediaType, "unsupported_media_type" },
        { "/write?quorum=6", """{"key":"k","value":1}""", "application/json", HttpStatusCode.BadRequest, "invalid_quorum" },
        { "/write?quorum=-1", """{"key":"k","value":1}""", "application/json", HttpStatusCode.BadRequest, "invalid_quorum" },
        { "/write?quorum=two", """{"key":"k","value":1}""", "application/json", HttpStatusCode.BadRequest, "invalid_quorum" },
        { "/write", "{\"key\":\"k\",\"value\":\"" + new string('v', 1024 * 1024) + "\"}", "application/json", HttpStatusCode.RequestEntityTooLarge, "value_too_large" },
    };

    [Theory]
    [MemberData(nameof(BadWrites))]
    public async Task Bad_write_is_refused_with_a_code_and_changes_nothing(string path, string body, string? contentType, HttpStatusCode status, string code)
    {
        var before = (await TestCluster.DataAsync(Cluster.Leader)).AppliedIndex;
        using var content = new ByteArrayContent(Encoding.UTF8.GetBytes(body));
        if (contentType is not null)
            content.Headers.ContentType = new MediaTypeHeaderValue(contentType);

        await Problem.AssertAsync(await Cluster.Leader.PostAsync(path, content), status, code);

        var after = (await TestCluster.DataAsync(Cluster.Leader)).AppliedIndex;
        Assert.Equal(before, after);
    }

    [Theory]
    [InlineData("/read", HttpStatusCode.BadRequest, "missing_key")]
    [InlineData("/read?key=", HttpStatusCode.BadRequest, "invalid_key")]
    [InlineData("/read?key=never-written", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/read?key=k&min_version=soon", HttpStatusCode.BadRequest, "invalid_min_version")]
    [InlineData("/kv/never-written", HttpStatusCode.NotFound, "not_found")]
    [InlineData("/no/such/route", HttpStatusCode.NotFound, "route_not_found")]
    public async Task Bad_read_is_refused_with_a_code(string path, HttpStatusCode status, string code) =>
        await Problem.AssertAsync(await Cluster.Followers[1].GetAsync(path), status, code);

    [Fact]
    public async Task Follower_refuses_every_write_with_421_naming_the_leader()
    {
        var follower = Cluster.Followers[0];
        var attempts = new[]
        {
            await follower.PostAsJsonAsync("/write", new { key = "k", value = 1 }),
            await follower.PutAsJsonAsync("/kv/k", 1),
            await follower.DeleteAsync("/kv/k"),
        };
        foreach (var attempt in attempts)
        {
            var problem = await Problem.AssertAsync(attempt, HttpStatusCode.MisdirectedRequest, "not_leader");
            Assert.Equal(Cluster.LeaderUrl, problem.GetProperty("leader").GetString());
        }

        await Problem.AssertAsync(await follower.GetAsync("/read?key=k"), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    [InlineData("Basic dGVzdC10b2tlbg==")]
    public async Task Replicate_without_the_token_is_refused_and_applies_nothing(string? authorization)
    {
        var follower = Cluster.Followers[3];
        var before = await TestCluster.DataAsync(follower);
        using var request = new HttpRequestMessage(HttpMethod.Post, "/replicate");
        request.Content = new ByteArrayContent(ReplicationMessages.Encode(before.AppliedIndex + 1, "intruder", "\"evil\""));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kvstore.log");
        request.Headers.Add("X-KvStore-Log-Id", Guid.NewGuid().ToString());
        if (authorization is not null)
            request.Headers.TryAddWithoutValidation("Authorization", authorization);

        await Problem.AssertAsync(await follower.SendAsync(request), HttpStatusCode.Unauthorized, "unauthorized");

        var after = await TestCluster.DataAsync(follower);
        Assert.Equal(TestCluster.Canonical(before), TestCluster.Canonical(after));
        await Problem.AssertAsync(await follower.GetAsync("/read?key=intruder"), HttpStatusCode.NotFound, "not_found");
    }

    [Theory]
    [InlineData(null)]
    [InlineData("Bearer wrong-token")]
    public async Task The_replication_stream_without_the_token_is_refused_before_the_connection_switches(string? authorization)
    {
        var follower = Cluster.Followers[2];
        using var request = ReplicationMessages.StreamRequest(authorization);
        using var response = await follower.SendAsync(request);
        Assert.NotEqual(HttpStatusCode.SwitchingProtocols, response.StatusCode);
        await Problem.AssertAsync(response, HttpStatusCode.Unauthorized, "unauthorized");
    }

    [Fact]
    public async Task The_leader_refuses_a_replication_stream_even_with_the_token()
    {
        using var request = ReplicationMessages.StreamRequest("Bearer test-token");
        await Problem.AssertAsync(await Cluster.Leader.SendAsync(request), HttpStatusCode.Forbidden, "not_follower");
    }

    [Fact]
    public async Task Leader_refuses_replication_even_with_the_token()
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/replicate");
        request.Content = new ByteArrayContent(ReplicationMessages.Encode(1, "intruder", "1"));
        request.Content.Headers.ContentType = new MediaTypeHeaderValue("application/vnd.kvstore.log");
        request.Headers.Add("X-KvStore-Log-Id", Guid.NewGuid().ToString());
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "test-token");
        await Problem.AssertAsync(await Cluster.Leader.SendAsync(request), HttpStatusCode.Forbidden, "not_follower");
    }

    [Fact]
    public async Task Compare_and_set_with_if_match()
    {
        using var create = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonContent.Create(new { n = 1 }) };
        create.Headers.TryAddWithoutValidation("If-None-Match", "*");
        var created = await Cluster.Leader.SendAsync(create);
        Assert.Equal(HttpStatusCode.Created, created.StatusCode);
        var etag = created.Headers.ETag!.Tag;

        using var again = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonContent.Create(new { n = 99 }) };
        again.Headers.TryAddWithoutValidation("If-None-Match", "*");
        await Problem.AssertAsync(await Cluster.Leader.SendAsync(again), HttpStatusCode.PreconditionFailed, "version_mismatch");

        using var update = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonContent.Create(new { n = 2 }) };
        update.Headers.TryAddWithoutValidation("If-Match", etag);
        var updated = await Cluster.Leader.SendAsync(update);
        Assert.Equal(HttpStatusCode.OK, updated.StatusCode);

        using var stale = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonContent.Create(new { n = 3 }) };
        stale.Headers.TryAddWithoutValidation("If-Match", etag);
        var conflict = await Problem.AssertAsync(await Cluster.Leader.SendAsync(stale), HttpStatusCode.PreconditionFailed, "version_mismatch");
        Assert.Equal(updated.Headers.ETag!.Tag, $"\"{conflict.GetProperty("currentVersion").GetInt64()}\"");

        using var staleDelete = new HttpRequestMessage(HttpMethod.Delete, "/kv/cas");
        staleDelete.Headers.TryAddWithoutValidation("If-Match", etag);
        await Problem.AssertAsync(await Cluster.Leader.SendAsync(staleDelete), HttpStatusCode.PreconditionFailed, "version_mismatch");

        var current = await Cluster.Leader.GetAsync("/kv/cas");
        Assert.Equal(updated.Headers.ETag, current.Headers.ETag);
        Assert.Equal(2, (await current.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("n").GetInt32());

        using var badTag = new HttpRequestMessage(HttpMethod.Put, "/kv/cas") { Content = JsonContent.Create(1) };
        badTag.Headers.TryAddWithoutValidation("If-Match", "yesterday");
        await Problem.AssertAsync(await Cluster.Leader.SendAsync(badTag), HttpStatusCode.BadRequest, "invalid_if_match");
    }

    [Fact]
    public async Task A_chunked_body_of_unknown_length_is_read_and_still_bounded()
    {
        using var small = new StreamContent(new MemoryStream("[1,2,3]"u8.ToArray()));
        small.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        var put = await Cluster.Leader.PutAsync("/kv/chunked?quorum=1", small);
        Assert.Equal(HttpStatusCode.Created, put.StatusCode);
        Assert.Equal(3, (await Cluster.Leader.GetFromJsonAsync<int[]>("/kv/chunked"))!.Length);

        var huge = Encoding.UTF8.GetBytes("\"" + new string('x', 1024 * 1024 + 10) + "\"");
        using var big = new StreamContent(new MemoryStream(huge));
        big.Headers.ContentType = new MediaTypeHeaderValue("application/json");
        await Problem.AssertAsync(await Cluster.Leader.PutAsync("/kv/chunked", big), HttpStatusCode.RequestEntityTooLarge, "value_too_large");
        Assert.Equal(3, (await Cluster.Leader.GetFromJsonAsync<int[]>("/kv/chunked"))!.Length);
    }

    [Fact]
    public async Task Put_stores_any_json_value_verbatim()
    {
        using var content = new StringContent("""{"nested":{"list":[1,"two",null,true]},"pi":3.14159}""", Encoding.UTF8, "application/json");
        var put = await Cluster.Leader.PutAsync("/kv/doc?quorum=5", content);
        put.EnsureSuccessStatusCode();

        var read = await Cluster.Followers[2].GetFromJsonAsync<JsonElement>("/read?key=doc");
        Assert.Equal("two", read.GetProperty("value").GetProperty("nested").GetProperty("list")[1].GetString());
        Assert.Equal(3.14159, read.GetProperty("value").GetProperty("pi").GetDouble());

        using var invalid = new StringContent("{not json", Encoding.UTF8, "application/json");
        await Problem.AssertAsync(await Cluster.Leader.PutAsync("/kv/doc", invalid), HttpStatusCode.BadRequest, "invalid_json");
    }
}
