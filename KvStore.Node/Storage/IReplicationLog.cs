namespace KvStore.Node.Storage;

/// <summary>
/// A node's ordered log of writes. Invariants: indices are gap-free and increasing; an index, once
/// appended, always names the same entry within one history (<see cref="LogId"/>); nothing past
/// <see cref="DurableIndex"/> is acknowledged to anyone or shipped to a follower.
/// Implemented in memory (no DATA_DIR) and by the write-ahead log.
/// </summary>
public interface IReplicationLog
{
    /// <summary>This log's history. A follower adopts its leader's; a node that sees a new one must not keep state from another.</summary>
    Guid LogId { get; }

    /// <summary>The oldest index <see cref="Read"/> can still return; <see cref="LastIndex"/> + 1 when none is retained.</summary>
    long FirstIndex { get; }

    /// <summary>The newest index appended, 0 when empty.</summary>
    long LastIndex { get; }

    /// <summary>Entries up to here survive a crash, as far as the FSYNC policy promises (all of them in memory: no crash survives).</summary>
    long DurableIndex { get; }

    /// <summary>True when what is durable here survives a restart of the process (a data directory); false in memory.</summary>
    bool SurvivesRestart { get; }

    /// <summary>Appends <paramref name="entry"/>, whose index must be <see cref="LastIndex"/> + 1. Callers serialize appends.</summary>
    void Append(in LogEntry entry);

    /// <summary>Completes once <paramref name="index"/> is durable.</summary>
    ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken);

    /// <summary>
    /// Calls <paramref name="listener"/> after every advance of <see cref="DurableIndex"/>, on the thread that advanced
    /// it and once the new entries are readable; it must return at once. This is how the leader's replication learns
    /// of new entries: the log drives it, so no writer (whose own wait for durability may be cancelled) has to.
    /// </summary>
    void OnDurable(Action listener);

    /// <summary>Copies durable entries from <paramref name="fromIndex"/> (at least <see cref="FirstIndex"/>) into <paramref name="destination"/>; returns how many.</summary>
    int Read(long fromIndex, Span<LogEntry> destination);

    /// <summary>
    /// Starts over from <paramref name="snapshot"/> in history <paramref name="logId"/>: a follower caught up by
    /// snapshot, or following a leader with a new history. Callers serialize this with appends.
    /// </summary>
    ValueTask ResetAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken);
}
