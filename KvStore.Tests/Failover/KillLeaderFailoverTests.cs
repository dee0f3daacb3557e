using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Node.Api;
using KvStore.Node.Failover;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>FAILOVER=manual on six node processes with DATA_DIR: the leader is killed with kill -9 under quorum-3 load.</summary>
public sealed class KillLeaderFailoverTests : IAsyncDisposable
{
    private readonly string _root = Directory.CreateTempSubdirectory("kvstore-kill-failover-").FullName;
    private readonly HttpClient _http = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };
    private readonly ProcessNode[] _nodes;

    public KillLeaderFailoverTests()
    {
        var ports = FreePorts.Take(6);
        var urls = ports.Select(p => $"http://127.0.0.1:{p}").ToArray();
        _nodes = Enumerable.Range(0, 6).Select(i => new ProcessNode($"node{i}", ports[i], new Dictionary<string, string?>
        {
            ["FAILOVER"] = "manual",
            ["ROLE"] = i == 0 ? "leader" : "follower",
            ["PEERS"] = string.Join(',', urls.Where((_, j) => j != i)),
            ["WRITE_QUORUM"] = "3",
            ["REPLICATION_TIMEOUT"] = "2",
            ["REPLICATION_TOKEN"] = "kill-failover",
            ["DATA_DIR"] = Path.Combine(_root, $"node{i}"),
        })).ToArray();
    }

    [Fact]
    public async Task Killing_the_leader_under_load_then_promoting_loses_no_write_acknowledged_at_quorum_three()
    {
        var ct = TestContext.Current.CancellationToken;
        foreach (var node in _nodes)
            node.Start();
        foreach (var node in _nodes)
            await node.WaitHealthyAsync(TimeSpan.FromSeconds(60));

        // Eight writers at quorum 3 until the leader dies under them; only 200 answers count as acknowledged.
        var acked = new ConcurrentDictionary<string, long>();
        using var stop = new CancellationTokenSource();
        var writers = Enumerable.Range(0, 8).Select(w => Task.Run(async () =>
        {
            for (var i = 0; !stop.IsCancellationRequested; i++)
            {
                try
                {
                    using var response = await _http.PostAsJsonAsync($"{_nodes[0].Url}/write?quorum=3", new { key = $"w{w}-{i}", value = i }, CancellationToken.None);
                    if (response.StatusCode == HttpStatusCode.OK)
                        acked[$"w{w}-{i}"] = (await response.Content.ReadFromJsonAsync<JsonElement>(CancellationToken.None)).GetProperty("version").GetInt64();
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                {
                    await Task.Delay(10, CancellationToken.None);
                }
            }
        }, ct)).ToArray();

        await Deadline.UntilAsync(() => acked.Count >= 200, TimeSpan.FromSeconds(30), "200 acknowledged writes");
        await _nodes[0].KillAsync();
        await stop.CancelAsync();
        await Task.WhenAll(writers);

        // Promote the follower furthest ahead, as an operator reading /admin/position would.
        var positions = await Task.WhenAll(Enumerable.Range(1, 5).Select(async n =>
            (Node: n, Position: (await AdminAsync<PositionResponse>(n, HttpMethod.Get, "/admin/position", ct))!)));
        var candidate = positions.MaxBy(p => (p.Position.LastEpoch, p.Position.LastIndex)).Node;
        var clock = Stopwatch.StartNew();
        var promoted = await AdminAsync<PromoteResponse>(candidate, HttpMethod.Post, "/admin/promote", ct);
        Assert.NotNull(promoted);
        using (var first = await _http.PostAsJsonAsync($"{_nodes[candidate].Url}/write?quorum=3", new { key = "after", value = 1 }, ct))
            Assert.Equal(HttpStatusCode.OK, first.StatusCode);
        TestContext.Current.TestOutputHelper?.WriteLine(
            $"{acked.Count} acknowledged; promote to first quorum-3 write: {clock.Elapsed.TotalMilliseconds:0} ms");

        // The killed leader comes back on its data, is deposed, follows epoch 2, and everyone converges.
        _nodes[0].Start();
        await _nodes[0].WaitHealthyAsync(TimeSpan.FromSeconds(60));
        var all = await Deadline.UntilAsync(
            () => Task.WhenAll(_nodes.Select(n => FetchDataAsync(n.Url, ct))),
            s => s.Select(TestCluster.Canonical).Distinct().Count() == 1, TimeSpan.FromSeconds(30), "all six nodes to converge",
            s => string.Join(", ", s.Select(d => $"{d.Node}@{d.AppliedIndex}")));

        var data = all[0].Data;
        foreach (var (key, version) in acked)
        {
            Assert.True(data.TryGetValue(key, out var item), $"acknowledged write {key} (version {version}) was lost");
            Assert.Equal(version, item.Version);
        }

        Assert.Equal("follower", (await _http.GetFromJsonAsync<ClusterResponse>($"{_nodes[0].Url}/cluster", ct))!.Role);
    }

    private async Task<DataResponse> FetchDataAsync(string url, CancellationToken ct) =>
        (await _http.GetFromJsonAsync<DataResponse>($"{url}/data", ct))!;

    private async Task<T?> AdminAsync<T>(int node, HttpMethod method, string path, CancellationToken ct)
    {
        using var request = new HttpRequestMessage(method, _nodes[node].Url + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", "kill-failover");
        using var response = await _http.SendAsync(request, ct);
        var text = await response.Content.ReadAsStringAsync(ct);
        Assert.True(response.IsSuccessStatusCode, $"{method} {path} on node{node}: {(int)response.StatusCode} {text}");
        return JsonSerializer.Deserialize<T>(text, JsonSerializerOptions.Web);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in _nodes)
            await node.DisposeAsync();
        _http.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
