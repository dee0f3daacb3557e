using KvStore.Node.Storage;

namespace KvStore.Node.Follower;

/// <summary>
/// Applies the leader's replication messages on a follower. Invariant: entries are applied strictly in
/// index order. Messages are pipelined and each pays its own lag, so one may overtake its predecessor:
/// it waits (briefly) for the predecessor instead of leaving a gap; if that never comes, the leader is
/// told where this replica stands and restarts the stream from there.
/// </summary>
public sealed partial class ReplicaApplier(KeyValueState state, ILogger<ReplicaApplier> logger)
{
    /// <summary>How long a message that overtook its predecessor waits for it.</summary>
    public static readonly TimeSpan ReorderWait = TimeSpan.FromMilliseconds(100);

    private readonly Lock _historyGate = new();
    private Guid _logId;

    /// <summary>Applies <paramref name="entries"/>; returns the applied index and whether the message left a gap.</summary>
    public async Task<(long AppliedIndex, bool Gap)> ApplyAsync(Guid logId, List<LogEntry> entries, CancellationToken cancellationToken)
    {
        lock (_historyGate)
        {
            if (logId != _logId)
            {
                // A different history (a leader restarted without its data): keeping our state would let
                // equal indices name different writes. Start over; the leader streams its log from the top.
                if (_logId != Guid.Empty || state.AppliedIndex > 0)
                    LogHistoryChanged(logger, _logId, logId, state.AppliedIndex);
                state.Reset();
                _logId = logId;
            }
        }

        if (entries.Count == 0)
            return (state.AppliedIndex, false);

        var first = entries[0].Index;
        if (first > state.AppliedIndex + 1 &&
            !await state.WaitForAppliedAsync(first - 1, ReorderWait, cancellationToken))
        {
            return (state.AppliedIndex, true);
        }

        var applied = state.ApplyInOrder(entries);
        return (applied, applied < entries[^1].Index);
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Leader log changed from {OldLogId} to {NewLogId}; dropping {AppliedIndex} entries of the old history")]
    private static partial void LogHistoryChanged(ILogger logger, Guid oldLogId, Guid newLogId, long appliedIndex);
}
