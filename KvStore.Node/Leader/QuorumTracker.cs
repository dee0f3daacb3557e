using KvStore.Node.Threading;

namespace KvStore.Node.Leader;

/// <summary>
/// Tracks which followers have which entries and releases writes once enough of them do.
/// Invariant: a write at index i with quorum k completes only when k distinct followers have i, either applied
/// (a follower's cumulative acknowledgement: everything up to there, in log order) or held ahead of its log (an
/// entry whose lag was shorter than a predecessor's, kept until the predecessors arrive, then applied in order).
/// A follower that lost its state (restarted without its data) moves back and loses what it held.
/// </summary>
public sealed class QuorumTracker
{
    private readonly Lock _gate = new();
    private readonly long[] _acked;
    private readonly long[] _sorted;

    // Per follower, the ranges it holds above its acknowledged index: the frames in flight ahead of a gap, often none.
    private readonly List<(long First, long Last)>[] _held;

    // _levels[k - 1] is reached up to the k-th highest acknowledged index; writes waiting for k followers wait there.
    private readonly IndexWaiters[] _levels;

    public QuorumTracker(int followers)
    {
        _acked = new long[followers];
        _sorted = new long[followers];
        _held = new List<(long, long)>[followers];
        _levels = new IndexWaiters[followers];
        for (var i = 0; i < followers; i++)
        {
            _held[i] = [];
            _levels[i] = new IndexWaiters();
        }
    }

    public int Followers => _acked.Length;

    /// <summary>The index up to which <paramref name="follower"/> has applied every entry.</summary>
    public long AckedBy(int follower) => Volatile.Read(ref _acked[follower]);

    /// <summary>True when <paramref name="follower"/> has applied or holds <paramref name="index"/>.</summary>
    public bool Has(int follower, long index)
    {
        lock (_gate)
            return HasUnlocked(follower, index);
    }

    /// <summary>How many followers have applied or hold <paramref name="index"/>.</summary>
    public int CountAcked(long index)
    {
        lock (_gate)
            return CountUnlocked(index);
    }

    /// <summary>
    /// Records that <paramref name="follower"/> has applied everything up to <paramref name="appliedIndex"/>.
    /// It only moves back when <paramref name="replicaLostState"/>: a follower restarted without its data.
    /// </summary>
    public void Acknowledge(int follower, long appliedIndex, bool replicaLostState = false)
    {
        lock (_gate)
        {
            var previous = _acked[follower];
            if (appliedIndex <= previous && !replicaLostState)
                return;
            Volatile.Write(ref _acked[follower], appliedIndex);
            if (replicaLostState)
                _held[follower].Clear();
            else
                DropUpTo(_held[follower], appliedIndex);

            // The k-th highest acknowledged index releases every write up to it at quorum k. With entries held ahead
            // anywhere, a write above it may have its k followers too: those are counted one by one.
            _acked.CopyTo(_sorted, 0);
            Array.Sort(_sorted);
            for (var k = 1; k <= _sorted.Length; k++)
                _levels[k - 1].Set(_sorted[^k]);

            if (appliedIndex > previous && AnyHeld())
                ReleaseCounted(previous + 1, appliedIndex);
        }
    }

    /// <summary>Records that <paramref name="follower"/> holds <paramref name="first"/>..<paramref name="last"/> ahead of its log.</summary>
    public void Hold(int follower, long first, long last)
    {
        lock (_gate)
        {
            first = Math.Max(first, _acked[follower] + 1);
            if (first > last)
                return;
            _held[follower].Add((first, last));
            ReleaseCounted(first, last);
        }
    }

    /// <summary>True once <paramref name="quorum"/> followers have <paramref name="index"/>; false after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(long index, int quorum, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quorum, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quorum, _acked.Length);
        // Under the gate: the count and the wait's registration (IndexWaiters enqueues before its first await) happen
        // with no acknowledgement or hold between them, so none can pass this write by.
        lock (_gate)
            return CountUnlocked(index) >= quorum ? Task.FromResult(true) : _levels[quorum - 1].WaitAsync(index, timeout, cancellationToken);
    }

    /// <summary>Releases the waiting writes in <paramref name="first"/>..<paramref name="last"/> that now have their quorum. Under the gate.</summary>
    private void ReleaseCounted(long first, long last)
    {
        for (var k = 1; k <= _levels.Length; k++)
            _levels[k - 1].ReleaseWhere(first, last, (Tracker: this, Quorum: k), static (s, index) => s.Tracker.CountUnlocked(index) >= s.Quorum);
    }

    private bool AnyHeld()
    {
        foreach (var held in _held)
        {
            if (held.Count > 0)
                return true;
        }

        return false;
    }

    private int CountUnlocked(long index)
    {
        var count = 0;
        for (var follower = 0; follower < _acked.Length; follower++)
        {
            if (HasUnlocked(follower, index))
                count++;
        }

        return count;
    }

    private bool HasUnlocked(int follower, long index)
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
