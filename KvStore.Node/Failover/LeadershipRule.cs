namespace KvStore.Node.Failover;

/// <summary>Where a node's log ends: the epoch of its last entry, then its last index. Logs compare in that order (Raft's "up to date").</summary>
public readonly record struct LogPosition(long LastEpoch, long LastIndex) : IComparable<LogPosition>
{
    public int CompareTo(LogPosition other) =>
        LastEpoch != other.LastEpoch ? LastEpoch.CompareTo(other.LastEpoch) : LastIndex.CompareTo(other.LastIndex);

    public static bool operator >(LogPosition a, LogPosition b) => a.CompareTo(b) > 0;

    public static bool operator <(LogPosition a, LogPosition b) => a.CompareTo(b) < 0;

    public static bool operator >=(LogPosition a, LogPosition b) => a.CompareTo(b) >= 0;

    public static bool operator <=(LogPosition a, LogPosition b) => a.CompareTo(b) <= 0;
}

/// <summary>A node's reported position, by name.</summary>
public sealed record PeerPosition(string Name, LogPosition Position);

/// <summary>What <see cref="LeadershipRule.Decide"/> answers: may the candidate lead, and if not, why (a stable code).</summary>
public sealed record LeadershipDecision(bool MayLead, string? Code, int Required, int Known, string? MostAdvanced)
{
    /// <summary>Fewer followers answered than are needed to be sure one of them has every acknowledged write.</summary>
    public const string TooFewPeers = "too_few_peers";

    /// <summary>A follower that answered has entries the candidate lacks; promote that one instead.</summary>
    public const string NotMostAdvanced = "not_most_advanced";
}

/// <summary>
/// Who may lead. A write acknowledged at quorum W is durable on at least W of the N followers, so any N − W + 1 of
/// them include one that has it (pigeonhole). A candidate that has heard from that many (itself included) and holds
/// everything the most advanced of them holds therefore holds every write acknowledged at quorum ≥ W. Without the
/// count, a candidate could lead from a minority that missed an acknowledged write and the failover would lose it;
/// without the "most advanced" check, it could lead while a follower it heard from has the write and it does not.
/// Writes acknowledged with a lower per-request quorum are on fewer followers and may be lost.
/// </summary>
public static class LeadershipRule
{
    /// <summary>How many followers (the candidate included) must report before one of them surely has every write acknowledged at <paramref name="writeQuorum"/>.</summary>
    public static int Required(int followers, int writeQuorum) => Math.Clamp(followers - writeQuorum + 1, 1, followers);

    /// <param name="followers">Followers in the cluster, the candidate among them (five in the standard deployment).</param>
    /// <param name="writeQuorum">WRITE_QUORUM.</param>
    /// <param name="candidate">The candidate's own position.</param>
    /// <param name="peers">Positions of the other followers that answered (not the old leader); duplicates by name count once.</param>
    public static LeadershipDecision Decide(int followers, int writeQuorum, LogPosition candidate, IEnumerable<PeerPosition> peers)
    {
        var known = peers.DistinctBy(p => p.Name, StringComparer.Ordinal).ToList();
        var required = Required(followers, writeQuorum);
        var count = known.Count + 1;
        var ahead = known.Where(p => p.Position > candidate).MaxBy(p => p.Position);
        if (count < required)
            return new LeadershipDecision(false, LeadershipDecision.TooFewPeers, required, count, ahead?.Name);
        if (ahead is not null)
            return new LeadershipDecision(false, LeadershipDecision.NotMostAdvanced, required, count, ahead.Name);
        return new LeadershipDecision(true, null, required, count, null);
    }
}
