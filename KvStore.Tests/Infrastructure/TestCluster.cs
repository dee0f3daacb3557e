using System.Globalization;
using System.Net.Http.Json;
using System.Text;
using KvStore.Node.Api;

namespace KvStore.Tests.Infrastructure;

/// <summary>Settings of an in-test cluster; the defaults are the reference labs' (quorum 3, lag 0.1–1 ms).</summary>
public sealed record ClusterSettings
{
    public int Followers { get; init; } = 5;
    public int WriteQuorum { get; init; } = 3;
    public double MinDelay { get; init; } = 0.0001;
    public double MaxDelay { get; init; } = 0.001;
    public double ReplicationTimeout { get; init; } = 2;
    public string Token { get; init; } = "test-token";

    /// <summary>Follower slots (0-based) served by a socket that accepts connections and never answers.</summary>
    public IReadOnlySet<int> FrozenFollowers { get; init; } = new HashSet<int>();

    public IDictionary<string, string?> Extra { get; init; } = new Dictionary<string, string?>();

    /// <summary>Each node's ADVERTISED_URL by its NODE_NAME ("leader", "follower1", ...) and port; none when null or it returns null.</summary>
    public Func<string, int, string?>? AdvertisedUrl { get; init; }

    /// <summary>Extra composition for every node (see <see cref="InProcessNode.StartAsync"/>).</summary>
    public Action<Microsoft.AspNetCore.Builder.WebApplicationBuilder>? ConfigureNode { get; init; }
}

/// <summary>
/// A leader and its followers as real Kestrel servers on loopback ports. Followers can be stopped and
/// started again (empty, on the same port) to exercise catch-up.
/// </summary>
public sealed class TestCluster : IAsyncDisposable
{
    private readonly ClusterSettings _settings;
    private readonly int[] _followerPorts;
    private readonly InProcessNode?[] _followers;
    private readonly List<BlackHoleServer> _blackHoles = [];
    private InProcessNode? _leader;

    private TestCluster(ClusterSettings settings)
    {
        _settings = settings;
        var ports = FreePorts.Take(settings.Followers + 1);
        LeaderPort = ports[0];
        _followerPorts = ports[1..];
        _followers = new InProcessNode?[settings.Followers];
        Leader = NewClient(LeaderUrl);
        Followers = _followerPorts.Select(p => NewClient(Url(p))).ToArray();
    }

    public int LeaderPort { get; }

    public string LeaderUrl => Url(LeaderPort);

    public HttpClient Leader { get; }

    public IReadOnlyList<HttpClient> Followers { get; }

    public IEnumerable<HttpClient> AllNodes => Followers.Prepend(Leader);

    public IReadOnlyList<string> FollowerUrls => _followerPorts.Select(Url).ToArray();

    public static async Task<TestCluster> StartAsync(ClusterSettings? settings = null)
    {
        var cluster = new TestCluster(settings ?? new ClusterSettings());
        try
        {
            for (var i = 0; i < cluster._followers.Length; i++)
            {
                if (cluster._settings.FrozenFollowers.Contains(i))
                    cluster._blackHoles.Add(BlackHoleServer.Start(cluster._followerPorts[i]));
                else
                    await cluster.StartFollowerAsync(i);
            }

            cluster._leader = await InProcessNode.StartAsync(cluster.LeaderPort, cluster.LeaderSettings(), cluster._settings.ConfigureNode);
            await cluster.WaitForProbesAsync();
            return cluster;
        }
        catch
        {
            await cluster.DisposeAsync();
            throw;
        }
    }

    public async Task StartFollowerAsync(int slot)
    {
        var name = $"follower{slot + 1}";
        _followers[slot] = await InProcessNode.StartAsync(_followerPorts[slot], new Dictionary<string, string?>(_settings.Extra)
        {
            ["ROLE"] = "follower",
            ["NODE_NAME"] = name,
            ["LEADER"] = LeaderUrl,
            ["REPLICATION_TOKEN"] = _settings.Token,
            ["ADVERTISED_URL"] = _settings.AdvertisedUrl?.Invoke(name, _followerPorts[slot]),
        }, _settings.ConfigureNode);
    }

    public async Task StopFollowerAsync(int slot)
    {
        if (_followers[slot] is { } node)
        {
            _followers[slot] = null;
            await node.DisposeAsync();
        }
    }

    /// <summary>Waits until the leader has heard from every live follower (its start-up probe), so tests start warm.</summary>
    private async Task WaitForProbesAsync()
    {
        var live = _followers.Length - _settings.FrozenFollowers.Count;
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        while (DateTime.UtcNow < deadline)
        {
            var status = (await Leader.GetFromJsonAsync<ClusterResponse>("/cluster"))!;
            if (status.Followers.Count(f => f.LastAckLatencyMs is not null) >= live)
                return;
            await Task.Delay(20);
        }

        Assert.Fail("the leader did not hear from every follower within 30 s");
    }

    /// <summary>Writes through <c>POST /write</c>; returns the response (caller checks it).</summary>
    public Task<HttpResponseMessage> WriteAsync(string key, object? value, int? quorum = null) =>
        Leader.PostAsJsonAsync(quorum is null ? "/write" : $"/write?quorum={quorum}", new { key, value });

    public static async Task<DataResponse> DataAsync(HttpClient node) =>
        (await node.GetFromJsonAsync<DataResponse>("/data"))!;

    /// <summary>Polls every node's <c>/data</c> until all equal the leader's, or fails after <paramref name="timeout"/>.</summary>
    public async Task WaitUntilConsistentAsync(TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        string? last = null;
        while (DateTime.UtcNow < deadline)
        {
            var snapshots = await Task.WhenAll(AllNodes.Select(DataAsync));
            var leader = Canonical(snapshots[0]);
            var mismatched = snapshots.Skip(1).Select(Canonical).Count(s => s != leader);
            if (mismatched == 0)
                return;
            last = $"{mismatched} follower(s) differ from the leader at index {snapshots[0].AppliedIndex}: " +
                string.Join(", ", snapshots.Skip(1).Select(s => $"{s.Node}@{s.AppliedIndex}"));
            await Task.Delay(50);
        }

        Assert.Fail("Replicas did not converge: " + last);
    }

    /// <summary>The replicated content of a /data answer: applied index and data, without the node's name and role.</summary>
    public static string Canonical(DataResponse data) =>
        data.AppliedIndex.ToString(CultureInfo.InvariantCulture) + " " + string.Join(';', data.Data
            .OrderBy(d => d.Key, StringComparer.Ordinal)
            .Select(d => $"{d.Key}={d.Value.Version}:{Encoding.UTF8.GetString(d.Value.Value.Utf8.Span)}"));

    public async ValueTask DisposeAsync()
    {
        if (_leader is not null)
            await _leader.DisposeAsync();
        for (var i = 0; i < _followers.Length; i++)
            await StopFollowerAsync(i);
        foreach (var hole in _blackHoles)
            hole.Dispose();
        foreach (var client in AllNodes)
            client.Dispose();
    }

    private Dictionary<string, string?> LeaderSettings() => new(_settings.Extra)
    {
        ["ROLE"] = "leader",
        ["NODE_NAME"] = "leader",
        ["FOLLOWERS"] = string.Join(',', FollowerUrls),
        ["WRITE_QUORUM"] = _settings.WriteQuorum.ToString(CultureInfo.InvariantCulture),
        ["MIN_DELAY"] = _settings.MinDelay.ToString(CultureInfo.InvariantCulture),
        ["MAX_DELAY"] = _settings.MaxDelay.ToString(CultureInfo.InvariantCulture),
        ["REPLICATION_TIMEOUT"] = _settings.ReplicationTimeout.ToString(CultureInfo.InvariantCulture),
        ["REPLICATION_TOKEN"] = _settings.Token,
        ["ADVERTISED_URL"] = _settings.AdvertisedUrl?.Invoke("leader", LeaderPort),
    };

    private static string Url(int port) => $"http://127.0.0.1:{port}";

    private static HttpClient NewClient(string url) =>
        new(new SocketsHttpHandler { UseProxy = false }) { BaseAddress = new Uri(url), Timeout = TimeSpan.FromSeconds(30) };
}
