namespace KvStore.Node.Leader;

/// <summary>What became of a write; each case maps to one HTTP answer.</summary>
public abstract record WriteOutcome
{
    /// <summary>In the log, applied on the leader and on at least <paramref name="Quorum"/> followers, by the leadership of <paramref name="Epoch"/>.</summary>
    public sealed record Committed(long Version, int Quorum, int Acks, bool Created, long Epoch) : WriteOutcome;

    /// <summary>In the log and still replicating, but fewer than <paramref name="Quorum"/> followers acknowledged in time.</summary>
    public sealed record QuorumTimeout(long Version, int Quorum, int Acks) : WriteOutcome;

    /// <summary>Compare-and-set failed; nothing was written. <paramref name="CurrentVersion"/> is 0 when the key is absent.</summary>
    public sealed record VersionMismatch(long CurrentVersion) : WriteOutcome;

    /// <summary>A delete of a key that does not exist; nothing was written.</summary>
    public sealed record NotFound : WriteOutcome;

    /// <summary>This node no longer leads: a newer <paramref name="Epoch"/> exists. Nothing was written.</summary>
    public sealed record Deposed(long Epoch) : WriteOutcome;
}
