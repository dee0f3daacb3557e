using System.Collections.Concurrent;
using System.Diagnostics;

namespace KvStore.LoadRunner.Cluster;

/// <summary>One leader the writes went to: its write URIs, built once, and how many writes it acknowledged.</summary>
internal sealed class WriteTarget(Uri leader, int order = 0)
{
    // Built once: at tens of thousands of writes a second, formatting them per request shows up.
    private readonly Uri[] _writeUris = Enumerable.Range(0, 17).Select(q => new Uri(leader, $"/write?quorum={q}")).ToArray();
    private long _acknowledged;

    public Uri Leader => leader;

    /// <summary>0 for the first leader a client wrote to, 1 for the next one it followed, and so on.</summary>
    public int Order => order;

    public long AcknowledgedWrites => Interlocked.Read(ref _acknowledged);

    public Uri WriteUri(int quorum) => quorum >= 0 && quorum < _writeUris.Length ? _writeUris[quorum] : new Uri(leader, $"/write?quorum={quorum}");

    public void Acknowledged() => Interlocked.Increment(ref _acknowledged);
}

/// <summary>
/// Following the leader (bench, sweep): a write answered 421 not_leader or 503 no_leader, or that found no node at
/// all, marks its leader as refused, and the next write first asks the cluster who leads now (<see cref="LeaderTracker"/>,
/// one discovery shared by every client). Invariant: a write is sent once. A 421 or 503 write was not applied, so
/// only the next one goes to the new leader; a write that timed out or lost its connection may have been applied,
/// and it is reported as failed, never sent again.
/// </summary>
internal sealed partial class KvClient
{
    public const string NoLeaderCode = "no_leader";
    private static readonly TimeSpan ElectionPoll = TimeSpan.FromMilliseconds(50);

    // After these the node written to may no longer lead: it said so, or it is gone (stopped, frozen, partitioned).
    private static readonly HashSet<string> LeaderGoneCodes = ["not_leader", NoLeaderCode, "connection_error", "timeout", "response_ended"];

    /// <summary>A write that failed with <paramref name="code"/> says its node may no longer lead: ask who does before the next.</summary>
    public static bool MayHaveLostLeader(string code) => LeaderGoneCodes.Contains(code);

    private readonly ConcurrentDictionary<Uri, WriteTarget> _targets = new();
    private LeaderTracker? _tracker;
    private volatile WriteTarget? _refused;

    /// <summary>From now on writes follow leader changes among <paramref name="tracker"/>'s nodes.</summary>
    public void FollowLeader(LeaderTracker tracker)
    {
        _targets.TryAdd(_target.Leader, _target);
        _tracker = tracker;
    }

    /// <summary>Every leader writes went to, with the writes each acknowledged, in the order first used.</summary>
    public IReadOnlyList<(Uri Leader, long Writes)> AcknowledgedByLeader() => _targets.IsEmpty
        ? [(_target.Leader, _target.AcknowledgedWrites)]
        : [.. _targets.Values.OrderBy(t => t.Order).Select(t => (t.Leader, t.AcknowledgedWrites))];

    private ValueTask<WriteTarget?> TargetAsync(CancellationToken cancellationToken)
    {
        var target = _target;
        return _tracker is null || !ReferenceEquals(_refused, target)
            ? ValueTask.FromResult<WriteTarget?>(target)
            : new ValueTask<WriteTarget?>(RediscoverAsync(_tracker, cancellationToken));
    }

    /// <summary>
    /// The leader now. During an election no node names one: asked again until a request's timeout has passed, then
    /// null (the write fails as no_leader without being sent).
    /// </summary>
    private async Task<WriteTarget?> RediscoverAsync(LeaderTracker tracker, CancellationToken cancellationToken)
    {
        var patience = http.Timeout == System.Threading.Timeout.InfiniteTimeSpan ? TimeSpan.FromSeconds(10) : http.Timeout;
        var deadline = Stopwatch.GetTimestamp() + (long)(patience.TotalSeconds * Stopwatch.Frequency);
        while (true)
        {
            var target = _target;
            if (!ReferenceEquals(_refused, target))
                return target;
            if (await tracker.LeaderAsync(cancellationToken) is { Url: var found })
            {
                var next = _targets.GetOrAdd(found, static (u, count) => new WriteTarget(u, count), _targets.Count);
                _target = next;
                Interlocked.CompareExchange(ref _refused, null, next);
                return next;
            }

            if (Stopwatch.GetTimestamp() > deadline)
                return null;
            await Task.Delay(ElectionPoll, cancellationToken);
        }
    }

    private WriteResult Refused(WriteTarget target, WriteResult result)
    {
        if (_tracker is { } tracker && result.ErrorCode is { } code && MayHaveLostLeader(code))
        {
            tracker.Failed(target.Leader);
            _refused = target;
        }

        return result;
    }
}
