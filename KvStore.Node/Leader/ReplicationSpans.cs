using System.Diagnostics;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Leader;

/// <summary>
/// One follower's replication spans: a <c>kv.replicate</c> span per traced write, from the moment its entry is first
/// cut into a frame until the follower has it (once, however often the entry is resent), and a
/// <c>kv.replicate.message</c> span per frame, under its first traced write and linked to the others. A write its caller
/// sent unsampled (the load runner traces one in N) gets no span; a frame holding only such writes carries one of their
/// contexts, not sampled, in its header, so the follower records no kv.apply for it either (a frame without any trace
/// context would make the follower start a trace of its own). No Activity is started for such a frame, recorded or not:
/// under load nearly every frame is one, on every follower's link.
/// </summary>
internal sealed class ReplicationSpans(Func<string> follower)
{
    private const int MaxLinks = 64;
    private readonly Lock _gate = new();
    private readonly SortedDictionary<long, Activity> _open = new();
    private long _lastTraced;

    /// <summary>
    /// Opens the spans of a frame holding <paramref name="entries"/>; returns its message span, if any write is traced, and
    /// in <paramref name="header"/> the context its frame carries: the message span's, else an unsampled write's, else none.
    /// </summary>
    public Activity? Start(ReadOnlySpan<LogEntry> entries, out ActivityContext header)
    {
        ActivityContext parent = default;
        ActivityContext unsampled = default;
        List<ActivityLink>? links = null;
        var name = follower();
        lock (_gate)
        {
            foreach (var entry in entries)
            {
                if (entry.Trace == default || entry.Index <= _lastTraced)
                    continue;
                _lastTraced = entry.Index;
                if (!entry.Trace.TraceFlags.HasFlag(ActivityTraceFlags.Recorded))
                {
                    if (unsampled == default)
                        unsampled = entry.Trace;
                    continue;
                }

                var span = NodeActivities.Source.StartActivity(NodeActivities.Replicate, ActivityKind.Internal, entry.Trace);
                if (span is null)
                    continue;
                // Named after its follower, so a write's waterfall reads as the five followers side by side.
                span.DisplayName = $"{NodeActivities.Replicate} {name}";
                span.SetTag(NodeActivities.FollowerTag, name);
                span.SetTag(NodeActivities.LogIndexTag, entry.Index);
                span.SetTag(NodeActivities.BatchSizeTag, entries.Length);
                _open.Add(entry.Index, span);
                if (parent == default)
                    parent = span.Context;
                else if ((links ??= []).Count < MaxLinks)
                    links.Add(new ActivityLink(span.Context));
            }
        }

        header = unsampled;
        if (parent == default)
            return null;
        var message = NodeActivities.Source.StartActivity(NodeActivities.ReplicateMessage, ActivityKind.Client, parent, links: links);
        message?.SetTag(NodeActivities.FollowerTag, name);
        message?.SetTag(NodeActivities.BatchSizeTag, entries.Length);
        if (message is not null)
            header = message.Context;

        // Started on the replicator's loop, not inside any request: none of them may stay Current.
        Activity.Current = null;
        return message;
    }

    /// <summary>Ends the spans of every write up to <paramref name="appliedIndex"/>: the follower has them.</summary>
    public void Acknowledged(long appliedIndex, TimeSpan lag)
    {
        lock (_gate)
        {
            while (_open.Count > 0)
            {
                var (index, span) = _open.First();
                if (index > appliedIndex)
                    break;
                _open.Remove(index);
                End(span, lag);
            }
        }
    }

    /// <summary>Ends the spans of the writes in <paramref name="first"/>..<paramref name="last"/>: the follower holds them ahead of its log.</summary>
    public void Held(long first, long last, TimeSpan lag)
    {
        lock (_gate)
        {
            for (var index = first; index <= last && _open.Count > 0; index++)
            {
                if (_open.Remove(index, out var span))
                    End(span, lag);
            }
        }
    }

    private static void End(Activity span, TimeSpan lag)
    {
        span.SetTag(NodeActivities.LagTag, Math.Round(lag.TotalMilliseconds, 3));
        span.Stop();
    }

    /// <summary>Ends every open span as failed: the leader is stopping.</summary>
    public void Abandon(string reason)
    {
        lock (_gate)
        {
            foreach (var span in _open.Values)
                span.SetStatus(ActivityStatusCode.Error, reason).Stop();
            _open.Clear();
        }
    }
}
