namespace KvStore.Node.Leader.Quorum;

/// <summary>
/// The quorum arithmetic, apart from any waiting or locking (as etcd's raft keeps <c>quorum</c> apart from its progress
/// tracker): which entries how many followers have. A follower has index i when its cumulative acknowledgement is at or
/// past i (it applied everything up to there, in log order) or it holds i ahead of its log (an entry whose lag was
/// shorter than a predecessor's, kept until the predecessors arrive). Not thread-safe: <see cref="QuorumTracker"/>
/// serializes every call.
/// <para>Invariants: a follower's acknowledged index only moves back when it lost its state (restarted without its
/// data), and then it also loses everything it held; held ranges always lie above the acknowledged index.</para>
/// </summary>
public sealed class QuorumProgress
{
    private readonly long[] _acked;
    private readonly long[] _sorted;

    // Per follower, the ranges it holds above its acknowledged index: the frames in flight ahead of a gap, often none.
    private readonly List<(long First, long Last)>[] _held;
    private int _holding;

    public QuorumProgress(int followers)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(followers);
        _acked = new long[followers];
        _sorted = new long[followers];
        _held = new List<(long, long)>[followers];
        for (var i = 0; i < followers; i++)
            _held[i] = [];
    }

    public int Followers => _acked.Length;

    /// <summary>True while some follower holds entries ahead of its log: only then can an index above the k-th highest acknowledgement have k followers.</summary>
    public bool AnyHeld => _holding > 0;

    /// <summary>The index up to which <paramref name="follower"/> has applied every entry.</summary>
    public long AckedBy(int follower) => _acked[follower];

    /// <summary>
    /// Records <paramref name="follower"/>'s cumulative acknowledgement; returns false when nothing changed (an older
    /// or repeated acknowledgement of a follower that did not lose its state).
    /// </summary>
    public bool Acknowledge(int follower, long appliedIndex, bool replicaLostState)
    {
        var previous = _acked[follower];
        if (appliedIndex <= previous && !replicaLostState)
            return false;
        _acked[follower] = appliedIndex;
        var held = _held[follower];
        var before = held.Count;
        if (replicaLostState)
            held.Clear();
        else
            DropUpTo(held, appliedIndex);
        _holding += held.Count - before;
        return true;
    }

    /// <summary>Records that <paramref name="follower"/> holds <paramref name="first"/>..<paramref name="last"/>; returns the part that is new above its log, or null.</summary>
    public (long First, long Last)? Hold(int follower, long first, long last)
    {
        first = Math.Max(first, _acked[follower] + 1);
        if (first > last)
            return null;
        _held[follower].Add((first, last));
        _holding++;
        return (first, last);
    }

    /// <summary>
    /// The k-th highest acknowledged index for every k = 1..followers, into <paramref name="destination"/> (index k - 1):
    /// every index up to the k-th has at least k followers.
    /// </summary>
    public void KthHighestAcknowledged(Span<long> destination)
    {
        _acked.CopyTo(_sorted, 0);
        Array.Sort(_sorted);
        for (var k = 1; k <= _sorted.Length; k++)
            destination[k - 1] = _sorted[^k];
    }

    /// <summary>How many followers have applied or hold <paramref name="index"/>.</summary>
    public int Count(long index)
    {
        var count = 0;
        for (var follower = 0; follower < _acked.Length; follower++)
        {
            if (Has(follower, index))
                count++;
        }

        return count;
    }

    /// <summary>True when <paramref name="follower"/> has applied or holds <paramref name="index"/>.</summary>
    public bool Has(int follower, long index)
    {
        if (_acked[follower] >= index)
            return true;
        foreach (var (first, last) in _held[follower])
        {
            if (index >= first && index <= last)
                return true;
        }

        return false;
    }

    private static void DropUpTo(List<(long First, long Last)> held, long applied)
    {
        for (var i = held.Count - 1; i >= 0; i--)
        {
            var (first, last) = held[i];
            if (last <= applied)
                held.RemoveAt(i);
            else if (first <= applied)
                held[i] = (applied + 1, last);
        }
    }
}
