using System.Diagnostics;

namespace KvStore.Node.Storage;

/// <summary>
/// One write in the leader's log. <see cref="Index"/> is also the version the write gives its key:
/// gap-free and increasing, one per write. A null <see cref="Value"/> is a delete (a tombstone).
/// </summary>
/// <param name="Value">The value as the UTF-8 JSON text the client sent, shared, never mutated.</param>
public readonly record struct LogEntry(long Index, string Key, byte[]? Value)
{
    public bool IsDelete => Value is null;

    /// <summary>The leader's write span, so replication spans join the write's trace. Never stored or sent.</summary>
    public ActivityContext Trace { get; init; }

    /// <summary>
    /// The entry as <see cref="Replication.LogRecordCodec"/> encodes it (length, CRC32C, payload), when it has been:
    /// encoded once on the leader, or the bytes a durable follower received. Frames to every follower and the
    /// write-ahead log copy these bytes instead of encoding again. Invariant: exactly the encoding of
    /// <see cref="Index"/>, <see cref="Key"/> and <see cref="Value"/>; only the codec sets it, so an entry is never
    /// changed with <c>with</c>.
    /// </summary>
    public ReadOnlyMemory<byte> Record { get; internal init; }
}
