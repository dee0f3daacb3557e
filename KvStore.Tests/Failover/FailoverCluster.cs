using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>
/// Six in-process nodes under FAILOVER=manual, each with PEERS naming the other five and its own DATA_DIR; node 0
/// starts as the leader. Any node can be stopped and started again on its port and data.
/// </summary>
public sealed class FailoverCluster : IAsyncDisposable
{
    public const string Token = "failover-token";
    private readonly int[] _ports = FreePorts.Take(6);
    private readonly InProcessNode?[] _nodes = new InProcessNode?[6];
    private readonly string _root = Directory.CreateTempSubdirectory("kvstore-failover-").FullName;

    private FailoverCluster()
    {
        Clients = _ports.Select(p => new HttpClient(new SocketsHttpHandler { UseProxy = false })
        {
            BaseAddress = new Uri(Url(p)),
            Timeout = TimeSpan.FromSeconds(30),
        }).ToArray();
    }

    public IReadOnlyList<HttpClient> Clients { get; }

    public string UrlOf(int node) => Url(_ports[node]);

    public static async Task<FailoverCluster> StartAsync()
    {
        var cluster = new FailoverCluster();
        for (var i = 5; i >= 0; i--)
            await cluster.StartAsync(i);
        return cluster;
    }

    public async Task StartAsync(int node) =>
        _nodes[node] = await InProcessNode.StartAsync(_ports[node], new Dictionary<string, string?>
        {
            ["FAILOVER"] = "manual",
            ["ROLE"] = node == 0 ? "leader" : "follower",
            ["NODE_NAME"] = $"node{node}",
            ["PEERS"] = string.Join(',', Enumerable.Range(0, 6).Where(i => i != node).Select(UrlOf)),
            ["WRITE_QUORUM"] = "3",
            ["REPLICATION_TIMEOUT"] = "2",
            ["REPLICATION_TOKEN"] = Token,
            ["DATA_DIR"] = Path.Combine(_root, $"node{node}"),
        });

    public async Task StopAsync(int node)
    {
        if (_nodes[node] is { } running)
        {
            _nodes[node] = null;
            await running.DisposeAsync();
        }
    }

    public async Task<HttpResponseMessage> AdminAsync(int node, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await Clients[node].SendAsync(request, TestContext.Current.CancellationToken);
    }

    public async Task<ClusterResponse> ClusterAsync(int node) =>
        (await Clients[node].GetFromJsonAsync<ClusterResponse>("/cluster", TestContext.Current.CancellationToken))!;

    /// <summary>Polls the given nodes' /data until they are identical; returns the common canonical form.</summary>
    public async Task<string> WaitUntilConsistentAsync(params int[] nodes)
    {
        var snapshots = await Deadline.UntilAsync(
            () => Task.WhenAll(nodes.Select(n => TestCluster.DataAsync(Clients[n]))),
            s => s.Select(TestCluster.Canonical).Distinct().Count() == 1,
            TimeSpan.FromSeconds(20), "the nodes to converge",
            s => string.Join(", ", s.Select(d => $"{d.Node}@{d.AppliedIndex}")));
        return TestCluster.Canonical(snapshots[0]);
    }

    public async ValueTask DisposeAsync()
    {
        for (var i = 0; i < 6; i++)
            await StopAsync(i);
        foreach (var client in Clients)
            client.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static string Url(int port) => string.Create(CultureInfo.InvariantCulture, $"http://127.0.0.1:{port}");
}
