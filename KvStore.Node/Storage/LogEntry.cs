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
}
