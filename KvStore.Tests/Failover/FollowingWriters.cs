using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KvStore.LoadRunner.Cluster;
using KvStore.Node.Api;

namespace KvStore.Tests.Failover;

/// <summary>
/// A write a node answered 200 for: what it wrote, the version it was given, who answered, when the answer arrived
/// (<see cref="At"/>) and when the write was sent (<see cref="SentAt"/>), both Stopwatch ticks.
/// </summary>
public sealed record AckedWrite(string Key, int Value, long Version, int Node, long At, long SentAt);

/// <summary>
/// Clients writing at quorum 3 to whichever node leads, over a small set of shared keys (so writes to one key race
/// across a failover), or with <c>keys: 0</c> each write to a key of its own (so each must stay at its version). On 421, 503 or a failed connection a client asks who leads through the load runner's own
/// discovery (<see cref="LeaderTracker"/>) and moves on with its next write: a write whose outcome is unknown is never retried, so only 200s count as acknowledged.
/// </summary>
public sealed class FollowingWriters : IAsyncDisposable
{
    private readonly HttpClient _http;
    private readonly CancellationTokenSource _stop = new();
    private readonly Task[] _clients;
    private readonly Uri[] _urls;
    private readonly LeaderTracker _tracker;

    public FollowingWriters(EtcdFailoverCluster cluster, int clients, int keys = 16)
        : this(cluster.Http, [.. cluster.Nodes.Select(n => n.Url)], clients, keys)
    {
    }

    /// <summary>Writers over any six nodes by URL (node N in <see cref="AckedWrite.Node"/> is <paramref name="urls"/>[N]), starting at node 0.</summary>
    public FollowingWriters(HttpClient http, IReadOnlyList<string> urls, int clients, int keys = 16, int firstLeader = 0)
    {
        _http = http;
        _urls = [.. urls.Select(u => new Uri(u))];
        _tracker = new LeaderTracker(http, _urls);
        _clients = Enumerable.Range(0, clients).Select(c => Task.Run(() => RunAsync(c, keys, firstLeader))).ToArray();
    }

    public ConcurrentQueue<AckedWrite> Acked { get; } = new();

    /// <summary>The last refusal or failure a client saw, for failure messages.</summary>
    public string? LastFailure { get; private set; }

    /// <summary>
    /// Writes <paramref name="node"/> acknowledged that it cannot have answered before <paramref name="frozenAt"/>: sent
    /// after it, or answered after <paramref name="resumedAt"/>. A frozen process sends nothing, so an answer that
    /// reaches a client while it is frozen to a write sent earlier was sent before the freeze.
    /// </summary>
    public int AckedAcross(int node, long frozenAt, long resumedAt) =>
        Acked.Count(a => a.Node == node && (a.SentAt > frozenAt || a.At > resumedAt));

    /// <summary>Waits for <paramref name="count"/> acknowledgements after <paramref name="after"/>, by nodes other than <paramref name="notBy"/>.</summary>
    public Task WaitForAcksAsync(int count, TimeSpan timeout, long after = 0, int notBy = -1) =>
        Infrastructure.Deadline.UntilAsync(() => Acked.Count(a => a.Node != notBy && a.At > after) >= count, timeout,
            $"{count} acknowledged writes" + (notBy < 0 ? "" : $" by nodes other than node{notBy}") + $" (have {Acked.Count}; last failure: {LastFailure})");

    /// <summary>The first acknowledgement after <paramref name="after"/> by a node other than <paramref name="old"/>.</summary>
    public async Task<AckedWrite> FirstAckAfterAsync(long after, int old, TimeSpan timeout)
    {
        await Infrastructure.Deadline.UntilAsync(() => Acked.Any(a => a.At > after && a.Node != old), timeout, "a write acknowledged by a new leader");
        return Acked.Where(a => a.At > after && a.Node != old).MinBy(a => a.At)!;
    }

    /// <summary>Every acknowledged write is in <paramref name="data"/> with its version and value or a later version; no version was given twice.</summary>
    public void AssertNoneLost(DataResponse data)
    {
        var duplicate = Acked.GroupBy(a => a.Version).FirstOrDefault(g => g.Count() > 1);
        Assert.True(duplicate is null, $"version {duplicate?.Key} was acknowledged for two writes: {string.Join(", ", duplicate ?? Enumerable.Empty<AckedWrite>())}");
        foreach (var write in Acked)
        {
            Assert.True(data.Data.TryGetValue(write.Key, out var item), $"acknowledged {write} was lost: the key is gone");
            Assert.True(item.Version >= write.Version, $"acknowledged {write} was lost: {write.Key} is at version {item.Version}");
            if (item.Version == write.Version)
                Assert.Equal(write.Value.ToString(System.Globalization.CultureInfo.InvariantCulture), System.Text.Encoding.UTF8.GetString(item.Value.Utf8.Span));
        }
    }

    public async Task StopAsync()
    {
        await _stop.CancelAsync();
        await Task.WhenAll(_clients);
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync();
        _stop.Dispose();
    }

    private async Task RunAsync(int client, int keys, int firstLeader)
    {
        var leader = firstLeader;
        for (var i = 0; !_stop.IsCancellationRequested; i++)
        {
            var value = client * 1_000_000 + i;
            var key = keys > 0 ? $"k{i % keys}" : $"c{client}-{i}";
            try
            {
                var sentAt = Stopwatch.GetTimestamp();
                using var response = await _http.PostAsJsonAsync(new Uri(_urls[leader], "/write?quorum=3"), new { key, value }, CancellationToken.None);
                if (response.StatusCode == HttpStatusCode.OK)
                {
                    var written = (await response.Content.ReadFromJsonAsync<WriteResponse>(CancellationToken.None))!;
                    Acked.Enqueue(new AckedWrite(key, value, written.Version, leader, Stopwatch.GetTimestamp(), sentAt));
                    continue;
                }

                LastFailure = $"node{leader}: {(int)response.StatusCode} {await response.Content.ReadAsStringAsync(CancellationToken.None)}";
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
            {
                LastFailure = $"node{leader}: {e.Message}";
            }

            try
            {
                leader = await DiscoverAsync(leader);
            }
            catch (Exception e)
            {
                LastFailure = $"discovering the leader: {e}";
                throw;
            }
        }
    }

    /// <summary>
    /// Who leads, as the load runner's <see cref="LeaderTracker"/> finds it (a node that answers as leader, else the leader
    /// a follower names, the newest epoch first), asked again every 100 ms for up to 3 s while no node names one; then the
    /// old guess. The node that just failed may be named again (its etcd key outlives it by up to a TTL): it is retried no
    /// faster than every 100 ms.
    /// </summary>
    private async Task<int> DiscoverAsync(int failed)
    {
        _tracker.Failed(_urls[failed]);
        var until = DateTime.UtcNow + TimeSpan.FromSeconds(3);
        while (true)
        {
            if (await _tracker.LeaderAsync(CancellationToken.None) is { Url: var found } && Array.FindIndex(_urls, u => u.Authority == found.Authority) is var node and >= 0)
            {
                if (node == failed)
                    await Task.Delay(100, CancellationToken.None);
                return node;
            }

            if (DateTime.UtcNow > until || _stop.IsCancellationRequested)
                return failed;
            await Task.Delay(100, CancellationToken.None);
        }
    }
}
