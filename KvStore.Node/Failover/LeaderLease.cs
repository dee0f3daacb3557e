using System.Diagnostics;

namespace KvStore.Node.Failover;

/// <summary>
/// FAILOVER=etcd: how long this node may still act as the leader on the strength of its etcd lease. Invariant: the
/// local deadline is the send time of the last keep-alive etcd answered (or of the grant) plus <see cref="Guard"/>,
/// shorter than the TTL; etcd expires the lease no earlier than TTL after it processed that request, which was after it
/// was sent. So this node has stopped taking writes before another can see the leader key vanish and campaign, even
/// when it was frozen (SIGSTOP) in between: the monotonic clock runs on while a process is stopped.
/// </summary>
public sealed class LeaderLease
{
    private long _validUntil;

    public LeaderLease(TimeSpan ttl)
    {
        Ttl = ttl;
        Guard = ttl * 3 / 4;
        RenewEvery = ttl / 5;
    }

    public TimeSpan Ttl { get; }

    /// <summary>How long after a renewal's send time leadership still counts as proven.</summary>
    public TimeSpan Guard { get; }

    public TimeSpan RenewEvery { get; }

    public bool Valid => Stopwatch.GetTimestamp() < Volatile.Read(ref _validUntil);

    /// <summary>How long leadership still counts as proven (zero once it does not).</summary>
    public TimeSpan Remaining
    {
        get
        {
            var until = Volatile.Read(ref _validUntil);
            var now = Stopwatch.GetTimestamp();
            return until > now ? Stopwatch.GetElapsedTime(now, until) : TimeSpan.Zero;
        }
    }

    /// <summary>etcd answered a grant or keep-alive sent at <paramref name="sentAt"/> (a Stopwatch timestamp) with a live lease.</summary>
    public void Renewed(long sentAt)
    {
        var until = sentAt + (long)(Guard.TotalSeconds * Stopwatch.Frequency);
        long seen;
        do
        {
            seen = Volatile.Read(ref _validUntil);
            if (seen == long.MinValue || until <= seen)
                return;
        }
        while (Interlocked.CompareExchange(ref _validUntil, until, seen) != seen);
    }

    /// <summary>The lease is gone (expired, revoked, or not renewed in time): nothing renews it again.</summary>
    public void Lose() => Volatile.Write(ref _validUntil, long.MinValue);
}
