using System.Net.Http.Json;

namespace KvStore.LoadRunner.Cluster;

/// <summary>A leader as discovered: its URL and the epoch the answer that named it was in.</summary>
internal sealed record KnownLeader(Uri Url, long Epoch);

/// <summary>
/// Which node leads, for clients that must follow leader changes (FAILOVER=manual or etcd). Any node's
/// <c>GET /cluster</c> says: a node that answers as the leader (the highest epoch wins), else the <c>leaderUrl</c> a
/// follower names. A client that gets 421 not_leader, 503 no_leader or no connection calls <see cref="Failed"/> and
/// asks again; concurrent failures share one discovery. Invariant: the tracker only says where to send the next
/// write; whether a failed write is retried is the caller's decision (only idempotent or If-Match guarded ones may be).
/// </summary>
internal sealed class LeaderTracker(HttpClient http, IReadOnlyList<Uri> nodes)
{
    private static readonly TimeSpan AskTimeout = TimeSpan.FromSeconds(1);
    private readonly Lock _gate = new();
    private KnownLeader? _leader;
    private TaskCompletionSource<KnownLeader?>? _discovery;

    public IReadOnlyList<Uri> Nodes => nodes;

    /// <summary>What the tracker holds now, for a drill's diagnostics: the leader known, or whether a discovery is under way.</summary>
    public string State
    {
        get
        {
            lock (_gate)
                return $"{_leader?.Url.ToString() ?? "none known"} (epoch {Epoch}{(_discovery is not null ? ", discovery running" : "")})";
        }
    }

    /// <summary>The epoch of the leader last discovered (0 before any).</summary>
    public long Epoch { get; private set; }

    /// <summary>The leader known now, else a fresh discovery's answer; null when no node knows of one (an election).</summary>
    public Task<KnownLeader?> LeaderAsync(CancellationToken cancellationToken)
    {
        TaskCompletionSource<KnownLeader?> discovery;
        lock (_gate)
        {
            if (_leader is { } known)
                return Task.FromResult<KnownLeader?>(known);
            if (_discovery is { } running)
                return running.Task;
            _discovery = discovery = new TaskCompletionSource<KnownLeader?>(TaskCreationOptions.RunContinuationsAsynchronously);
        }

        // Started outside the lock, after it is stored: a discovery that ends at once (its caller gave up, or a node
        // answered before the others were even asked) is cleared like any other instead of being stored after it ended.
        _ = DiscoverAsync(discovery, cancellationToken);
        return discovery.Task;
    }

    /// <summary>A write to <paramref name="leader"/> was refused or failed: forget it, unless another client already moved on.</summary>
    public void Failed(Uri leader)
    {
        lock (_gate)
        {
            if (_leader?.Url == leader)
                _leader = null;
        }
    }

    /// <summary>
    /// One discovery. Invariant: <c>_discovery</c> is only ever a discovery still running; it is cleared, under the lock,
    /// before its answer is published, so a later <see cref="LeaderAsync"/> starts a new one instead of repeating an old answer.
    /// </summary>
    private async Task DiscoverAsync(TaskCompletionSource<KnownLeader?> discovery, CancellationToken cancellationToken)
    {
        try
        {
            var views = await AskUntilLeaderAnswersAsync(cancellationToken);
            var leading = views.Where(v => v.Answer is { Role: "leader" }).OrderByDescending(v => v.Answer!.Epoch).FirstOrDefault();
            var named = views.Where(v => v.Answer?.LeaderUrl is { Length: > 0 }).OrderByDescending(v => v.Answer!.Epoch).FirstOrDefault();
            var found = leading.Answer is not null ? new KnownLeader(leading.Node, leading.Answer.Epoch)
                : named.Answer is not null && Uri.TryCreate(named.Answer.LeaderUrl, UriKind.Absolute, out var url) ? new KnownLeader(Match(url), named.Answer.Epoch)
                : null;
            lock (_gate)
            {
                _leader = found;
                if (found is not null)
                    Epoch = found.Epoch;
                _discovery = null;
            }

            discovery.SetResult(found);
        }
        catch (Exception e)
        {
            lock (_gate)
                _discovery = null;
            if (e is OperationCanceledException cancelled)
                discovery.SetCanceled(cancelled.CancellationToken);
            else
                discovery.SetException(e);
        }
    }

    /// <summary>Every node's view, or those in when the first node answers as the leader: a frozen node must not hold up the rest.</summary>
    private async Task<List<(Uri Node, ClusterAnswer? Answer)>> AskUntilLeaderAnswersAsync(CancellationToken cancellationToken)
    {
        var pending = nodes.Select(n => AskAsync(n, cancellationToken)).ToList();
        var views = new List<(Uri Node, ClusterAnswer? Answer)>();
        while (pending.Count > 0)
        {
            var done = await Task.WhenAny(pending);
            pending.Remove(done);
            views.Add(await done);
            if (views[^1].Answer is { Role: "leader" })
                break;
        }

        return views;
    }

    /// <summary>One node's view, or a null answer when it does not answer within a second (down, frozen, partitioned).</summary>
    public async Task<(Uri Node, ClusterAnswer? Answer)> AskAsync(Uri node, CancellationToken cancellationToken)
    {
        using var bounded = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        bounded.CancelAfter(AskTimeout);
        try
        {
            return (node, await http.GetFromJsonAsync(new Uri(node, "/cluster"), WireJsonContext.Default.ClusterAnswer, bounded.Token));
        }
        catch (Exception e) when (KvClient.IsNodeFailure(e, cancellationToken) || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return (node, null);
        }
    }

    // A follower names the leader by the URL nodes use among themselves; prefer the matching address the drill was given.
    private Uri Match(Uri named) => nodes.FirstOrDefault(n => n.Authority == named.Authority) ?? named;
}
