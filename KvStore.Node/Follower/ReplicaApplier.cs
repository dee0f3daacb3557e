using System.Diagnostics;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Follower;

/// <summary>
/// Applies the leader's replication messages on a follower. Invariants: entries are appended to this node's
/// log and applied strictly in index order; an index is acknowledged only once it is durable here.
/// Messages are pipelined and each pays its own lag, so one may overtake its predecessor: it waits
/// (briefly) for the predecessor instead of leaving a gap; if that never comes, the leader is told where
/// this replica stands and restarts the stream from there.
/// </summary>
public sealed partial class ReplicaApplier(KeyValueState state, IReplicationLog log, ILogger<ReplicaApplier> logger) : IDisposable
{
    /// <summary>How long a message that overtook its predecessor waits for it.</summary>
    public static readonly TimeSpan ReorderWait = TimeSpan.FromMilliseconds(100);

    /// <summary>Everything up to here is applied and durable on this replica.</summary>
    public long DurableIndex => Math.Min(log.DurableIndex, state.AppliedIndex);

    /// <summary>True when this replica's log survives a restart: then only applied entries are durable here.</summary>
    public bool SurvivesRestart => log.SurvivesRestart;

    // Serializes appends, history changes and snapshot installs: the log takes one writer at a time.
    private readonly SemaphoreSlim _gate = new(1, 1);

    /// <summary>
    /// Appends and applies <paramref name="entries"/> and waits until they are durable; returns the durable applied index
    /// and whether the message left a gap (see <see cref="AppendAsync"/>).
    /// </summary>
    public async Task<(long AppliedIndex, bool Gap)> ApplyAsync(Guid logId, List<LogEntry> entries, CancellationToken cancellationToken,
        bool mayBeOvertaken = true)
    {
        var (applied, gap) = await AppendAsync(logId, entries, cancellationToken, mayBeOvertaken);
        await log.WaitDurableAsync(applied, cancellationToken);
        return (applied, gap);
    }

    /// <summary>
    /// Appends and applies <paramref name="entries"/> without waiting for them to be durable: the caller must
    /// <see cref="WaitDurableAsync"/> before acknowledging them (the stream's receiver waits once for every frame one
    /// read brought, so they share one fsync). Returns the applied index and whether the message left a gap.
    /// A frame from the stream never waits for a predecessor (<paramref name="mayBeOvertaken"/> false): the stream's
    /// receiver puts frames back in order itself, so a gap means the leader's idea of this replica's position is wrong.
    /// </summary>
    public async Task<(long AppliedIndex, bool Gap)> AppendAsync(Guid logId, List<LogEntry> entries, CancellationToken cancellationToken,
        bool mayBeOvertaken = true, ActivityContext parent = default)
    {
        if (logId != log.LogId)
            await FollowHistoryAsync(logId, cancellationToken);

        if (entries.Count == 0)
            return (log.DurableIndex, false);

        using var activity = parent == default
            ? NodeActivities.Source.StartActivity(NodeActivities.Apply)
            : NodeActivities.Source.StartActivity(NodeActivities.Apply, ActivityKind.Server, parent);
        activity?.SetTag(NodeActivities.FirstIndexTag, entries[0].Index);
        activity?.SetTag(NodeActivities.LastIndexTag, entries[^1].Index);
        activity?.SetTag(NodeActivities.BatchSizeTag, entries.Count);

        var first = entries[0].Index;
        if (first > state.AppliedIndex + 1 && mayBeOvertaken &&
            !await state.WaitForAppliedAsync(first - 1, ReorderWait, cancellationToken))
        {
            return (log.DurableIndex, true);
        }

        long applied;
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (logId != log.LogId)
                return (log.DurableIndex, true);

            var next = new List<LogEntry>(entries.Count);
            foreach (var entry in entries)
            {
                if (entry.Index <= state.AppliedIndex + next.Count)
                    continue;
                if (entry.Index != state.AppliedIndex + next.Count + 1)
                    break;
                log.Append(entry);
                next.Add(entry);
            }

            applied = state.ApplyInOrder(next);
        }
        finally
        {
            _gate.Release();
        }

        return (applied, applied < entries[^1].Index);
    }

    /// <summary>Completes once this replica's log is durable up to <paramref name="index"/>.</summary>
    public ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken) => log.WaitDurableAsync(index, cancellationToken);

    /// <summary>Replaces this replica's state with the leader's snapshot; the stream resumes after it.</summary>
    public async Task<long> InstallSnapshotAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            LogInstallingSnapshot(logger, snapshot.AppliedIndex, snapshot.Items.Length, state.AppliedIndex);
            await log.ResetAsync(logId, snapshot, cancellationToken);
            state.Restore(snapshot);
            return snapshot.AppliedIndex;
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Adopts the leader's history <paramref name="logId"/>, dropping this replica's state if it belongs to another.</summary>
    public async Task FollowHistoryAsync(Guid logId, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (logId == log.LogId)
                return;

            // A different history (a leader restarted without its data): keeping our state would let equal
            // indices name different writes. Start over; the leader streams its log from the top.
            if (log.LogId != Guid.Empty || state.AppliedIndex > 0)
                LogHistoryChanged(logger, log.LogId, logId, state.AppliedIndex);
            await log.ResetAsync(logId, StateSnapshot.Empty, cancellationToken);
            state.Restore(StateSnapshot.Empty);
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader log changed from {OldLogId} to {NewLogId}; dropping {AppliedIndex} entries of the old history")]
    private static partial void LogHistoryChanged(ILogger logger, Guid oldLogId, Guid newLogId, long appliedIndex);

    [LoggerMessage(Level = LogLevel.Information, Message = "Installing the leader's snapshot at index {Index} ({Keys} keys); this replica was at {AppliedIndex}")]
    private static partial void LogInstallingSnapshot(ILogger logger, long index, int keys, long appliedIndex);
}
