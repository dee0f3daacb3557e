using KvStore.Node.Threading;

namespace KvStore.Node.Leader.Quorum;

/// <summary>
/// Releases writes once enough followers have them: the waiting half over <see cref="QuorumProgress"/>, the arithmetic.
/// Invariant: a write at index i with quorum k completes only when k distinct followers have i (applied, or held ahead
/// of their logs); every change to the progress and every release it causes happen under one gate, so no
/// acknowledgement can pass a write between its count and its registration as a waiter.
/// </summary>
public sealed class QuorumTracker
{
    private readonly Lock _gate = new();
    private readonly QuorumProgress _progress;
    private readonly long[] _acked;
    private readonly long[] _levelsReached;

    // _levels[k - 1] is reached up to the k-th highest acknowledged index; writes waiting for k followers wait there.
    private readonly IndexWaiters[] _levels;

    public QuorumTracker(int followers)
    {
        _progress = new QuorumProgress(followers);
        _acked = new long[followers];
        _levelsReached = new long[followers];
        _levels = new IndexWaiters[followers];
        for (var i = 0; i < followers; i++)
            _levels[i] = new IndexWaiters();
    }

    public int Followers => _progress.Followers;

    /// <summary>The index up to which <paramref name="follower"/> has applied every entry (read without the gate).</summary>
    public long AckedBy(int follower) => Volatile.Read(ref _acked[follower]);

    /// <summary>True when <paramref name="follower"/> has applied or holds <paramref name="index"/>.</summary>
    public bool Has(int follower, long index)
    {
        lock (_gate)
            return _progress.Has(follower, index);
    }

    /// <summary>How many followers have applied or hold <paramref name="index"/>.</summary>
    public int CountAcked(long index)
    {
        lock (_gate)
            return _progress.Count(index);
    }

    /// <summary>
    /// Records that <paramref name="follower"/> has applied everything up to <paramref name="appliedIndex"/>.
    /// It only moves back when <paramref name="replicaLostState"/>: a follower restarted without its data.
    /// </summary>
    public void Acknowledge(int follower, long appliedIndex, bool replicaLostState = false)
    {
        lock (_gate)
        {
            var previous = _progress.AckedBy(follower);
            if (!_progress.Acknowledge(follower, appliedIndex, replicaLostState))
                return;
            Volatile.Write(ref _acked[follower], appliedIndex);

            // The k-th highest acknowledged index releases every write up to it at quorum k.
            _progress.KthHighestAcknowledged(_levelsReached);
            for (var k = 1; k <= _levels.Length; k++)
                _levels[k - 1].Set(_levelsReached[k - 1]);

            // Above it, a write may have its k followers through entries held elsewhere: those in the newly
            // acknowledged range are counted one by one. With nothing held anywhere, a count is just how many
            // acknowledgements are at or past the index, which the levels above already released.
            if (appliedIndex > previous && _progress.AnyHeld)
                ReleaseCounted(previous + 1, appliedIndex);
        }
    }

    /// <summary>Records that <paramref name="follower"/> holds <paramref name="first"/>..<paramref name="last"/> ahead of its log.</summary>
    public void Hold(int follower, long first, long last)
    {
        lock (_gate)
        {
            if (_progress.Hold(follower, first, last) is var (from, to))
                ReleaseCounted(from, to);
        }
    }

    /// <summary>True once <paramref name="quorum"/> followers have <paramref name="index"/>; false after <paramref name="timeout"/>.</summary>
    public Task<bool> WaitAsync(long index, int quorum, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quorum, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quorum, _levels.Length);
        // Under the gate: the count and the wait's registration (IndexWaiters enqueues before its first await) happen
        // with no acknowledgement or hold between them, so none can pass this write by.
        lock (_gate)
            return _progress.Count(index) >= quorum ? Task.FromResult(true) : _levels[quorum - 1].WaitAsync(index, timeout, cancellationToken);
    }

    /// <summary>Releases the waiting writes in <paramref name="first"/>..<paramref name="last"/> that now have their quorum. Under the gate.</summary>
    private void ReleaseCounted(long first, long last)
    {
        for (var k = 1; k <= _levels.Length; k++)
            _levels[k - 1].ReleaseWhere(first, last, (Progress: _progress, Quorum: k), static (s, index) => s.Progress.Count(index) >= s.Quorum);
    }
}
