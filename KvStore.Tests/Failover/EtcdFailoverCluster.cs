using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>
/// Six node processes under FAILOVER=etcd (ETCD_LEASE_TTL=2 unless a test says otherwise) against a real etcd, each with PEERS naming the other
/// five and its own DATA_DIR; node0 starts as ROLE=leader, so it campaigns first. Nodes can be killed (kill -9),
/// frozen (SIGSTOP) and started again on their data. Everything started here ends in <see cref="DisposeAsync"/>.
/// </summary>
public sealed class EtcdFailoverCluster : IAsyncDisposable
{
    public const string Token = "etcd-failover";
    private readonly string _root = Directory.CreateTempSubdirectory("kvstore-etcd-failover-").FullName;

    private EtcdFailoverCluster(EtcdServer etcd, int writeQuorum, int leaseTtlSeconds, Func<int, string>? etcdEndpoint,
        IReadOnlyDictionary<string, string?>? environment)
    {
        Etcd = etcd;
        var ports = FreePorts.Take(6);
        var urls = ports.Select(p => $"http://127.0.0.1:{p}").ToArray();
        Nodes = Enumerable.Range(0, 6).Select(i => new ProcessNode($"node{i}", ports[i], new Dictionary<string, string?>
        {
            ["FAILOVER"] = "etcd",
            ["ROLE"] = i == 0 ? "leader" : "follower",
            ["PEERS"] = string.Join(',', urls.Where((_, j) => j != i)),
            ["ETCD_ENDPOINTS"] = etcdEndpoint?.Invoke(i) ?? etcd.Endpoint,
            ["ETCD_LEASE_TTL"] = leaseTtlSeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["WRITE_QUORUM"] = writeQuorum.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["REPLICATION_TIMEOUT"] = "2",
            ["REPLICATION_TOKEN"] = Token,
            ["DATA_DIR"] = Path.Combine(_root, $"node{i}"),
            ["Logging__Console__FormatterOptions__TimestampFormat"] = "HH:mm:ss.fff ",
            ["Logging__Console__FormatterOptions__SingleLine"] = "true",
        }.Concat(environment ?? new Dictionary<string, string?>()).ToDictionary())).ToArray();
    }

    public EtcdServer Etcd { get; }

    /// <summary>Admin calls may take seconds (a step-down waits for a follower to catch up, then for the election).</summary>
    private readonly HttpClient _admin = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(30) };

    public IReadOnlyList<ProcessNode> Nodes { get; }

    /// <summary>Short timeouts: a frozen node must cost a client seconds, not the test's whole budget.</summary>
    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
    {
        Timeout = TimeSpan.FromSeconds(3),
    };

    /// <summary>
    /// Starts etcd and the six nodes; <paramref name="etcdEndpoint"/> gives a node another way to etcd (a proxy) than its
    /// URL, <paramref name="environment"/> more settings for every node (telemetry).
    /// </summary>
    public static async Task<EtcdFailoverCluster> StartAsync(int writeQuorum = 3, Func<EtcdServer, Func<int, string>>? etcdEndpoint = null,
        int leaseTtlSeconds = 2, IReadOnlyDictionary<string, string?>? environment = null)
    {
        var etcd = await EtcdServer.StartAsync();
        var cluster = new EtcdFailoverCluster(etcd, writeQuorum, leaseTtlSeconds, etcdEndpoint?.Invoke(etcd), environment);
        foreach (var node in cluster.Nodes)
            node.Start();
        foreach (var node in cluster.Nodes)
            await node.WaitHealthyAsync(TimeSpan.FromSeconds(60));
        return cluster;
    }

    public async Task<ClusterResponse?> TryClusterAsync(int node) => await TryClusterAsync(node, Http.Timeout);

    /// <summary>The node's GET /cluster, or null when it does not answer within <paramref name="timeout"/>.</summary>
    public async Task<ClusterResponse?> TryClusterAsync(int node, TimeSpan timeout)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(TestContext.Current.CancellationToken);
        bounded.CancelAfter(timeout);
        try
        {
            return await Http.GetFromJsonAsync<ClusterResponse>($"{Nodes[node].Url}/cluster", bounded.Token);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
        {
            return null;
        }
    }

    /// <summary>The node that answers as the leader with all five followers reached, among <paramref name="candidates"/> (all running nodes if null).</summary>
    public async Task<int> WaitForLeaderAsync(TimeSpan timeout, IEnumerable<int>? candidates = null, int followersReached = 0)
    {
        var among = (candidates ?? Enumerable.Range(0, 6)).ToArray();
        var views = await Deadline.UntilAsync(
            () => Task.WhenAll(among.Select(async n => (Node: n, View: Nodes[n].IsRunning ? await TryClusterAsync(n) : null))),
            v => v.Any(x => IsLeading(x.View, followersReached)), timeout, "a leader to be elected",
            v => string.Join(", ", v.Select(x => $"node{x.Node}:{x.View?.Role ?? "-"}@{x.View?.Epoch}")));
        return views.Where(x => IsLeading(x.View, followersReached)).OrderByDescending(x => x.View!.Epoch).First().Node;
    }

    public async Task<HttpResponseMessage> WriteAsync(int node, string key, int value, int quorum = 3) =>
        await Http.PostAsJsonAsync($"{Nodes[node].Url}/write?quorum={quorum}", new { key, value }, TestContext.Current.CancellationToken);

    public async Task<HttpResponseMessage> AdminAsync(int node, string path)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, Nodes[node].Url + path);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", Token);
        return await _admin.SendAsync(request, TestContext.Current.CancellationToken);
    }

    /// <summary>Polls the given nodes' /data until identical; returns one of them.</summary>
    public async Task<DataResponse> WaitUntilConsistentAsync(TimeSpan timeout, params int[] nodes)
    {
        var all = await Deadline.UntilAsync(
            () => Task.WhenAll(nodes.Select(n => Http.GetFromJsonAsync<DataResponse>($"{Nodes[n].Url}/data", TestContext.Current.CancellationToken))),
            s => s.Select(d => TestCluster.Canonical(d!)).Distinct().Count() == 1, timeout, "the nodes to converge",
            s => string.Join(", ", s.Select(d => $"{d!.Node}@{d.AppliedIndex}")));
        return all[0]!;
    }

    /// <summary>
    /// The killed nodes come back on their data and follow the current epoch, and all six converge holding every write
    /// <paramref name="writers"/> saw acknowledged.
    /// </summary>
    public async Task RestartAndConvergeAsync(FollowingWriters writers, params int[] killed)
    {
        ArgumentNullException.ThrowIfNull(writers);
        foreach (var node in killed)
            Nodes[node].Start();
        foreach (var node in killed)
            await Nodes[node].WaitHealthyAsync(TimeSpan.FromSeconds(30));
        var data = await WaitUntilConsistentAsync(TimeSpan.FromSeconds(30), 0, 1, 2, 3, 4, 5);
        writers.AssertNoneLost(data);
        foreach (var node in killed)
            Assert.Equal("follower", (await TryClusterAsync(node))?.Role);
    }

    /// <summary>How many times <paramref name="node"/> logged the event with this EventId (console format "category[id]").</summary>
    public int Logged(int node, int eventId) => Nodes[node].Output.Count(line => line.Contains($"[{eventId}]", StringComparison.Ordinal));

    public async ValueTask DisposeAsync()
    {
        foreach (var node in Nodes)
            await node.DisposeAsync();
        await Etcd.DisposeAsync();
        Http.Dispose();
        _admin.Dispose();
        Directory.Delete(_root, recursive: true);
    }

    private static bool IsLeading(ClusterResponse? view, int followersReached) =>
        view is { Role: "leader" } && view.Followers.Count(f => f.State == "healthy") >= followersReached;

    public static bool IsNoLeader(HttpStatusCode status) => status is HttpStatusCode.ServiceUnavailable or HttpStatusCode.MisdirectedRequest;
}
