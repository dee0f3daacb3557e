namespace KvStore.LoadRunner.History;

internal enum OpKind
{
    /// <summary>An unconditional write: <c>PUT /kv/{key}</c>.</summary>
    Write,

    /// <summary>A compare-and-set: <c>PUT /kv/{key}</c> with <c>If-Match: "expected"</c>.</summary>
    Cas,

    /// <summary>A read on the leader: <c>GET /kv/{key}</c>.</summary>
    Read,
}

internal enum OpOutcome
{
    /// <summary>The node answered success: the operation took effect between invoke and complete.</summary>
    Ok,

    /// <summary>A CAS answered 412 <c>version_mismatch</c>: it took no effect, the key was at <see cref="HistoryOp.Version"/>.</summary>
    Mismatch,

    /// <summary>
    /// A write that may have happened (503 <c>quorum_timeout</c>, a client timeout, a broken connection): its effect
    /// can appear at any time after its invoke, or never.
    /// </summary>
    Unknown,
}

/// <summary>
/// One operation on one key with its invoke and complete times (any monotonic clock, same for every client).
/// <see cref="Value"/>: what a write or CAS wrote, or what a read returned (null: the key did not exist).
/// <see cref="Version"/>: a write's or CAS's new version, a read's version (0: not found), a mismatch's current
/// version, an unknown write's version when the node said it (quorum_timeout), else null.
/// </summary>
internal sealed record HistoryOp(
    int Id, int Client, string Key, OpKind Kind, long Invoke, long Complete, OpOutcome Outcome,
    string? Value = null, long? Expected = null, long? Version = null)
{
    /// <summary>When the checker must have linearized this op by: never, for an op that may not have happened.</summary>
    public long Deadline => Outcome == OpOutcome.Unknown ? long.MaxValue : Complete;

    public bool ChangesState => Kind is OpKind.Write or OpKind.Cas;

    public override string ToString()
    {
        var what = Kind switch
        {
            OpKind.Write => $"write {Value}",
            OpKind.Cas => $"cas {Expected}->{Value}",
            _ => "read",
        };
        var result = (Kind, Outcome) switch
        {
            (_, OpOutcome.Unknown) => Version is { } v ? $"unknown (version {v} if it happened)" : "unknown",
            (OpKind.Read, _) => Version is 0 or null ? "not found" : $"{Value} @ {Version}",
            (_, OpOutcome.Mismatch) => $"mismatch (at {Version})",
            _ => $"ok @ {Version}",
        };
        return $"#{Id} client {Client} [{Invoke}, {(Outcome == OpOutcome.Unknown ? "?" : Complete)}] {what} -> {result}";
    }
}
