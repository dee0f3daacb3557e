using KvStore.Node.Storage;
using KvStore.Node.Threading;

namespace KvStore.Node.Leader;

/// <summary>
/// Tracks each follower's acknowledged index and releases writes once enough followers have them.
/// Invariant: a write at index i with quorum k completes only when k distinct followers have applied
/// every entry up to i (acknowledgements are cumulative because followers apply in order).
/// </summary>
public sealed class QuorumTracker
{
    private readonly Lock _gate = new();
    private readonly long[] _acked;
    private readonly long[] _sorted;

    // _levels[k - 1] is reached up to the k-th highest acknowledged index.
    private readonly IndexWaiters[] _levels;

    public QuorumTracker(int followers)
    {
        _acked = new long[followers];
        _sorted = new long[followers];
        _levels = new IndexWaiters[followers];
        for (var i = 0; i < followers; i++)
            _levels[i] = new IndexWaiters();
    }

    public int Followers => _acked.Length;

    public long AckedBy(int follower) => Volatile.Read(ref _acked[follower]);

    /// <summary>How many followers have applied <paramref name="index"/>.</summary>
    public int CountAcked(long index)
    {
        var count = 0;
        for (var i = 0; i < _acked.Length; i++)
        {
            if (Volatile.Read(ref _acked[i]) >= index)
                count++;
        }

        return count;
    }

    /// <summary>
    /// Records that <paramref name="follower"/> has applied everything up to <paramref name="appliedIndex"/>.
    /// It only moves back when <paramref name="replicaLostState"/>: a follower restarted without its data.
    /// </summary>
    public void Acknowledge(int follower, long appliedIndex, bool replicaLostState = false)
    {
        lock (_gate)
        {
            if (appliedIndex <= _acked[follower] && !replicaLostState)
                return;
            Volatile.Write(ref _acked[follower], appliedIndex);

            _acked.CopyTo(_sorted, 0);
            Array.Sort(_sorted);
            for (var k = 1; k <= _sorted.Length; k++)
                _levels[k - 1].Set(_sorted[^k]);
        }
    }

    /// <summary>True once <paramref name="quorum"/> followers have <paramref name="index"/>; false after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(long index, int quorum, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quorum, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quorum, _levels.Length);
        return _levels[quorum - 1].WaitAsync(index, timeout, cancellationToken);
    }
}
