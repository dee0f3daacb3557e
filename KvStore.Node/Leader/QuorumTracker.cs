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

    // _waiting[k - 1]: writes waiting for k followers, by index. A write released by held entries stays queued,
    // completed, until the acknowledged indices pass it too (completing it again is harmless).
    private readonly PriorityQueue<TaskCompletionSource<bool>, long>[] _waiting;

    public QuorumTracker(int followers)
    {
        _acked = new long[followers];
        _sorted = new long[followers];
        _held = new List<(long, long)>[followers];
        _waiting = new PriorityQueue<TaskCompletionSource<bool>, long>[followers];
        for (var i = 0; i < followers; i++)
        {
            _held[i] = [];
            _waiting[i] = new PriorityQueue<TaskCompletionSource<bool>, long>();
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
        List<TaskCompletionSource<bool>>? released = null;
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
            {
                var reached = _sorted[^k];
                while (_waiting[k - 1].TryPeek(out var waiter, out var index) && index <= reached)
                {
                    _waiting[k - 1].Dequeue();
                    (released ??= []).Add(waiter);
                }
            }

            if (appliedIndex > previous && AnyHeld())
                ReleaseCounted(previous + 1, appliedIndex, ref released);
        }

        Complete(released);
    }

    /// <summary>Records that <paramref name="follower"/> holds <paramref name="first"/>..<paramref name="last"/> ahead of its log.</summary>
    public void Hold(int follower, long first, long last)
    {
        List<TaskCompletionSource<bool>>? released = null;
        lock (_gate)
        {
            first = Math.Max(first, _acked[follower] + 1);
            if (first > last)
                return;
            _held[follower].Add((first, last));
            ReleaseCounted(first, last, ref released);
        }

        Complete(released);
    }

    /// <summary>True once <paramref name="quorum"/> followers have <paramref name="index"/>; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAsync(long index, int quorum, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quorum, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quorum, _acked.Length);
        TaskCompletionSource<bool> waiter;
        lock (_gate)
        {
            if (CountUnlocked(index) >= quorum)
                return true;
            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting[quorum - 1].Enqueue(waiter, index);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
                _waiting[quorum - 1].Remove(waiter, out _, out _);
            if (e is TimeoutException)
                return false;
            throw;
        }
    }

    /// <summary>Adds the waiting writes in <paramref name="first"/>..<paramref name="last"/> that now have their quorum. Under the gate.</summary>
    private void ReleaseCounted(long first, long last, ref List<TaskCompletionSource<bool>>? released)
    {
        for (var k = 1; k <= _waiting.Length; k++)
        {
            foreach (var (waiter, index) in _waiting[k - 1].UnorderedItems)
            {
                if (index >= first && index <= last && !waiter.Task.IsCompleted && CountUnlocked(index) >= k)
                    (released ??= []).Add(waiter);
            }
        }
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

    // Outside the gate: continuations run asynchronously, but TrySetResult itself should not hold it.
    private static void Complete(List<TaskCompletionSource<bool>>? released)
    {
        if (released is null)
            return;
        foreach (var waiter in released)
            waiter.TrySetResult(true);
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
