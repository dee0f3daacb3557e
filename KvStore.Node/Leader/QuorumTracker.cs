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

    // Per follower, the ranges it holds above its acknowledged index; short (the frames in flight), kept disjoint.
    private readonly List<(long First, long Last)>[] _held;

    // Writes waiting for their quorum, by index: an acknowledgement only looks at the indices it covers.
    private readonly SortedSet<Waiter> _waiting = new(Waiter.ByIndex);
    private long _nextWaiter;

    public QuorumTracker(int followers)
    {
        _acked = new long[followers];
        _held = new List<(long, long)>[followers];
        for (var i = 0; i < followers; i++)
            _held[i] = [];
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
        List<Waiter>? released;
        lock (_gate)
        {
            var previous = _acked[follower];
            if (appliedIndex <= previous && !replicaLostState)
                return;
            Volatile.Write(ref _acked[follower], appliedIndex);
            var held = _held[follower];
            if (replicaLostState)
                held.Clear();
            else
                DropUpTo(held, appliedIndex);
            released = appliedIndex > previous ? Release(previous + 1, appliedIndex) : null;
        }

        Complete(released);
    }

    /// <summary>Records that <paramref name="follower"/> holds <paramref name="first"/>..<paramref name="last"/> ahead of its log.</summary>
    public void Hold(int follower, long first, long last)
    {
        List<Waiter>? released;
        lock (_gate)
        {
            first = Math.Max(first, _acked[follower] + 1);
            if (first > last)
                return;
            var held = _held[follower];
            held.Add((first, last));
            released = Release(first, last);
        }

        Complete(released);
    }

    /// <summary>True once <paramref name="quorum"/> followers have <paramref name="index"/>; false after <paramref name="timeout"/>.</summary>
    public async Task<bool> WaitAsync(long index, int quorum, TimeSpan timeout, CancellationToken cancellationToken)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(quorum, 1);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(quorum, _acked.Length);
        Waiter waiter;
        lock (_gate)
        {
            if (CountUnlocked(index) >= quorum)
                return true;
            waiter = new Waiter(index, quorum, ++_nextWaiter, new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously));
            _waiting.Add(waiter);
        }

        try
        {
            return await waiter.Done!.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (Exception e) when (e is TimeoutException or OperationCanceledException)
        {
            lock (_gate)
                _waiting.Remove(waiter);
            if (e is TimeoutException)
                return false;
            throw;
        }
    }

    /// <summary>Takes the waiters in <paramref name="first"/>..<paramref name="last"/> whose quorum is now reached. Under the gate.</summary>
    private List<Waiter>? Release(long first, long last)
    {
        if (_waiting.Count == 0 || _waiting.Min.Index > last || _waiting.Max.Index < first)
            return null;
        List<Waiter>? released = null;
        foreach (var waiter in _waiting.GetViewBetween(Waiter.Lowest(first), Waiter.Highest(last)))
        {
            if (CountUnlocked(waiter.Index) >= waiter.Quorum)
                (released ??= []).Add(waiter);
        }

        if (released is not null)
        {
            foreach (var waiter in released)
                _waiting.Remove(waiter);
        }

        return released;
    }

    // Outside the gate: continuations run asynchronously, but TrySetResult itself should not hold it.
    private static void Complete(List<Waiter>? released)
    {
        if (released is null)
            return;
        foreach (var waiter in released)
            waiter.Done!.TrySetResult(true);
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

    /// <summary>A write waiting for its quorum; <see cref="Done"/> is null for the bounds of a range lookup.</summary>
    private readonly record struct Waiter(long Index, int Quorum, long Id, TaskCompletionSource<bool>? Done)
    {
        public static readonly IComparer<Waiter> ByIndex = Comparer<Waiter>.Create(static (a, b) =>
            a.Index != b.Index ? a.Index.CompareTo(b.Index) : a.Id.CompareTo(b.Id));

        public static Waiter Lowest(long index) => new(index, 0, long.MinValue, null);

        public static Waiter Highest(long index) => new(index, 0, long.MaxValue, null);
    }
}
