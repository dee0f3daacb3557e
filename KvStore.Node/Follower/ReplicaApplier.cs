using System.Diagnostics;
using KvStore.Node.Failover;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Follower;

/// <summary>
/// Applies the leader's replication messages on a follower. Invariants: entries are appended to this node's
/// log and applied strictly in index order; an index is acknowledged only once it is durable here.
/// Messages are pipelined and each pays its own lag, so one may overtake its predecessor: it waits
/// (briefly) for the predecessor instead of leaving a gap; if that never comes, the leader is told where
/// this replica stands and restarts the stream from there. Fencing: entries of an epoch older than the newest this node
/// knows are refused under the same lock that appends, so once this node has learned of epoch e nothing of an older
/// leader is appended here, and the position it reports to e's candidate stays true.
/// </summary>
public sealed partial class ReplicaApplier(KeyValueState state, IReplicationLog log, EpochStore epochs, ILogger<ReplicaApplier> logger) : IDisposable
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
    public async Task<(long AppliedIndex, bool Gap)> ApplyAsync(Guid logId, long epoch, List<LogEntry> entries, CancellationToken cancellationToken,
        bool mayBeOvertaken = true)
    {
        var (applied, gap) = await AppendAsync(logId, epoch, entries, cancellationToken, mayBeOvertaken);
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
    public async Task<(long AppliedIndex, bool Gap)> AppendAsync(Guid logId, long epoch, List<LogEntry> entries, CancellationToken cancellationToken,
        bool mayBeOvertaken = true, ActivityContext parent = default)
    {
        if (logId != log.LogId)
            await FollowHistoryAsync(logId, cancellationToken);

        if (entries.Count == 0)
            return (log.DurableIndex, false);

        // A frame of unsampled writes gets no span at all (the SDK would start an unrecorded one under a remote parent);
        // a frame with no trace context starts a trace of its own.
        using var activity = parent == default ? NodeActivities.Source.StartActivity(NodeActivities.Apply)
            : parent.TraceFlags.HasFlag(ActivityTraceFlags.Recorded) ? NodeActivities.Source.StartActivity(NodeActivities.Apply, ActivityKind.Server, parent)
            : null;
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
            if (epoch < epochs.Current)
                throw new StaleEpochException(epoch, epochs.Current);

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

    /// <summary>
    /// Admits a leader of <paramref name="epoch"/> with <paramref name="history"/>: false when this node knows a newer
    /// epoch. Otherwise this node's log is cut back to where it agrees with the leader's (entries of an epoch that ended
    /// earlier in the leader's history were never acknowledged at quorum: a deposed leader's tail), on disk too, and
    /// the leader's history becomes this node's. Truncation drops the whole state and lets the leader stream its log
    /// (or a snapshot) from the top: simple, and the state can never keep an entry the log lost.
    /// </summary>
    public async Task<bool> FollowLeaderAsync(Guid logId, long epoch, IReadOnlyList<EpochStart> history, CancellationToken cancellationToken)
    {
        // Checked before a new history may wipe this replica: a deposed leader must not make anyone drop anything.
        if (epoch < epochs.Current)
            return false;
        await FollowHistoryAsync(logId, cancellationToken);
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (epoch < epochs.Current)
                return false;
            var last = log.LastIndex;
            var agreed = EpochHistory.AgreedPrefix(epochs.History, last, history);
            if (agreed < last)
            {
                LogTruncating(logger, last - agreed, agreed + 1, last, epoch);
                await log.WaitDurableAsync(last, cancellationToken);
                await log.ResetAsync(logId, StateSnapshot.Empty, cancellationToken);
                state.Restore(StateSnapshot.Empty);
            }

            return epochs.Follow(epoch, history);
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>Learns of <paramref name="epoch"/> (durably) and answers where this log ends; from now on older leaders' entries are refused.</summary>
    public async Task<(bool Adopted, LogPosition Position)> FenceAsync(long epoch, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            var adopted = epochs.Adopt(epoch);
            var last = log.DurableIndex;
            return (adopted, new LogPosition(EpochHistory.EpochAt(epochs.History, last), last));
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    /// <summary>Logged (Information) when a snapshot from the leader replaces this replica's state; tests look for it.</summary>
    public const int SnapshotInstallEventId = 30;

    [LoggerMessage(EventId = 50, Level = LogLevel.Warning, Message = "Truncating {Count} entries ({First}..{Last}) the leader of epoch {Epoch} does not have; this replica is caught up again from the leader")]
    private static partial void LogTruncating(ILogger logger, long count, long first, long last, long epoch);

    [LoggerMessage(EventId = 31, Level = LogLevel.Warning, Message = "Leader log changed from {OldLogId} to {NewLogId}; dropping {AppliedIndex} entries of the old history")]
    private static partial void LogHistoryChanged(ILogger logger, Guid oldLogId, Guid newLogId, long appliedIndex);

    [LoggerMessage(EventId = SnapshotInstallEventId, Level = LogLevel.Information, Message = "Installing the leader's snapshot at index {Index} ({Keys} keys); this replica was at {AppliedIndex}")]
    private static partial void LogInstallingSnapshot(ILogger logger, long index, int keys, long appliedIndex);
}
