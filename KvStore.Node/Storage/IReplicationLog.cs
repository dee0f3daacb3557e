namespace KvStore.Node.Storage;

/// <summary>
/// The leader's ordered log of writes. Invariants: indices start at 1 and are gap-free; an index,
/// once appended, always names the same entry. A durable write-ahead log implements the same contract.
/// </summary>
public interface IReplicationLog
{
    /// <summary>Identifies this log's history; a follower that sees a new id must not keep state from another history.</summary>
    Guid LogId { get; }

    /// <summary>The oldest index still held (entries before it were compacted away); 1 when nothing was.</summary>
    long FirstIndex { get; }

    /// <summary>The newest index appended, 0 when empty.</summary>
    long LastIndex { get; }

    /// <summary>Appends <paramref name="entry"/>, whose index must be <see cref="LastIndex"/> + 1. Callers serialize appends.</summary>
    void Append(in LogEntry entry);

    /// <summary>Completes once <paramref name="index"/> is as durable as this log makes entries (at once in memory).</summary>
    ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken);

    /// <summary>Copies entries from <paramref name="fromIndex"/> on into <paramref name="destination"/>; returns how many.</summary>
    int Read(long fromIndex, Span<LogEntry> destination);
}
