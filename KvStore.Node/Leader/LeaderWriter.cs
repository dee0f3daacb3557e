using System.Diagnostics;
using KvStore.Node.Configuration;
using KvStore.Node.Leader.Quorum;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Leader;

/// <summary>
/// The only way into the log. Invariants: versions are assigned, appended and applied under one lock, so
/// they are gap-free and every replica sees writes in the same order; a compare-and-set is checked
/// against the state that the new entry follows. A write is acknowledged only once it is durable here
/// and its quorum of followers has it (see QuorumTracker). Replication is driven by the log itself (each follower's
/// stream wakes when the durable index advances), so a write whose client goes away mid-wait still ships. The
/// waits happen outside the lock, so concurrent
/// writes share one fsync (group commit) and replication round trips. Reads on the leader may see a write before it is
/// acknowledged, as with Redis: an unacknowledged write is not promised to anyone.
/// </summary>
public sealed class LeaderWriter(
    IReplicationLog log,
    KeyValueState state,
    QuorumTracker quorum,
    ReplicationCoordinator replication,
    Failover.LeaderTerm term,
    NodeMetrics metrics,
    TimeProvider time,
    IOptions<NodeOptions> options)
{
    private readonly Lock _appendGate = new();
    private readonly TimeSpan _timeout = options.Value.ReplicationTimeoutSpan;

    public int Followers => quorum.Followers;

    public int DefaultQuorum { get; } = options.Value.WriteQuorum;

    public async Task<WriteOutcome> WriteAsync(WriteCommand command, CancellationToken cancellationToken)
    {
        var started = time.GetTimestamp();
        // A request sent unsampled (the load runner's untraced writes) gets no kv.write span: its parent is not recorded,
        // so the sampler would drop the span anyway, yet starting it would still build an unrecorded Activity, its tags
        // and its quorum event on every such write. Any sampler's decision shows here, since it also made the request's.
        using var activity = Activity.Current is { Recorded: false } ? null : NodeActivities.Source.StartActivity(NodeActivities.Write);
        activity?.SetTag(NodeActivities.KeyTag, command.Key);
        activity?.SetTag(NodeActivities.QuorumTag, command.Quorum);

        var outcome = await AppendAndReplicateAsync(command, activity, cancellationToken);

        var (name, version, acks) = outcome switch
        {
            WriteOutcome.Committed c => ("committed", c.Version, c.Acks),
            WriteOutcome.QuorumTimeout t => ("quorum_timeout", t.Version, t.Acks),
            WriteOutcome.VersionMismatch => ("version_mismatch", 0L, 0),
            WriteOutcome.Deposed => ("deposed", 0L, 0),
            _ => ("not_found", 0L, 0),
        };
        if (outcome is WriteOutcome.QuorumTimeout)
        {
            metrics.QuorumTimedOut(command.Quorum);
            activity?.SetStatus(ActivityStatusCode.Error, "quorum_timeout");
        }

        activity?.SetTag(NodeActivities.VersionTag, version);
        activity?.SetTag(NodeActivities.AcksTag, acks);
        metrics.WriteCompleted(time.GetElapsedTime(started), command.Quorum, name);
        return outcome;
    }

    private async Task<WriteOutcome> AppendAndReplicateAsync(WriteCommand command, Activity? activity, CancellationToken cancellationToken)
    {
        LogEntry entry;
        bool created;
        lock (_appendGate)
        {
            // Fencing: a deposed leader appends nothing more, so no client is told a write is pending on two leaders.
            if (term.Deposed)
                return new WriteOutcome.Deposed(term.Epoch);

            var exists = state.TryGet(command.Key, out var current);
            var currentVersion = exists ? current.Version : 0;
            if (command.IfVersion is { } expected &&
                (expected == WriteCommand.IfPresent ? !exists : expected != currentVersion))
            {
                return new WriteOutcome.VersionMismatch(currentVersion);
            }

            if (command.Value is null && !exists)
                return new WriteOutcome.NotFound();

            created = !exists;
            // Without a kv.write span (its request was sent unsampled, or is one that is never traced) the entry keeps the
            // request's unrecorded context, so that the followers too follow that decision instead of starting traces of their own.
            // Encoded once, here: the log and the five followers' frames copy these bytes.
            entry = LogRecordCodec.Encoded(new LogEntry(log.LastIndex + 1, command.Key, command.Value) { Trace = (activity ?? Activity.Current)?.Context ?? default });
            log.Append(entry);
            state.Apply(entry);
        }

        // Followers are sent only durable entries, so a leader crash can never leave them ahead of its log.
        await log.WaitDurableAsync(entry.Index, cancellationToken);

        if (command.Quorum > 0 && !await quorum.WaitAsync(entry.Index, command.Quorum, _timeout, cancellationToken))
            return new WriteOutcome.QuorumTimeout(entry.Index, command.Quorum, quorum.CountAcked(entry.Index));

        if (activity is not null && command.Quorum > 0)
        {
            activity.AddEvent(new ActivityEvent(NodeActivities.QuorumReached, tags: new ActivityTagsCollection
            {
                [NodeActivities.QuorumTag] = command.Quorum,
                [NodeActivities.FollowersTag] = replication.FollowersHaving(entry.Index),
            }));
        }

        return new WriteOutcome.Committed(entry.Index, command.Quorum, quorum.CountAcked(entry.Index), created, term.Epoch);
    }
}
