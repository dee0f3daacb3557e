namespace KvStore.Node.Threading;

/// <summary>
/// Lets callers wait until a monotonically advancing index reaches a value: the applied index for
/// read-your-writes, the k-th highest follower acknowledgement for a quorum (where <see cref="ReleaseWhere"/> also
/// releases writes whose followers hold them ahead of their logs).
/// </summary>
public sealed class IndexWaiters
{
    private readonly Lock _gate = new();
    private readonly PriorityQueue<TaskCompletionSource<bool>, long> _waiting = new();
    private long _reached;

    public long Reached
    {
        get { lock (_gate) return _reached; }
    }

    /// <summary>Sets the reached index (it may move back, when a replica lost its state) and releases every waiter at or below it.</summary>
    public void Set(long reached)
    {
        List<TaskCompletionSource<bool>>? released = null;
        lock (_gate)
        {
            _reached = reached;
            while (_waiting.TryPeek(out var waiter, out var index) && index <= reached)
            {
                _waiting.Dequeue();
                (released ??= []).Add(waiter);
            }
        }

        Complete(released);
    }

    /// <summary>
    /// Releases the waiters in <paramref name="first"/>..<paramref name="last"/> whose index <paramref name="has"/>
    /// says is there already, ahead of the reached index (a quorum met by entries followers hold ahead of their logs).
    /// They stay queued, complete, until the reached index passes them; completing them again is harmless.
    /// </summary>
    public void ReleaseWhere<TState>(long first, long last, TState state, Func<TState, long, bool> has)
    {
        List<TaskCompletionSource<bool>>? released = null;
        lock (_gate)
        {
            foreach (var (waiter, index) in _waiting.UnorderedItems)
            {
                if (index >= first && index <= last && !waiter.Task.IsCompleted && has(state, index))
                    (released ??= []).Add(waiter);
            }
        }

        Complete(released);
    }

    /// <summary>True once <paramref name="index"/> is reached; false when <paramref name="timeout"/> passes first.</summary>
    public async Task<bool> WaitAsync(long index, TimeSpan timeout, CancellationToken cancellationToken)
    {
        TaskCompletionSource<bool> waiter;
        lock (_gate)
        {
            if (index <= _reached)
                return true;
            waiter = new TaskCompletionSource<bool>(TaskCreationOptions.RunContinuationsAsynchronously);
            _waiting.Enqueue(waiter, index);
        }

        try
        {
            return await waiter.Task.WaitAsync(timeout, cancellationToken);
        }
        catch (TimeoutException)
        {
            Remove(waiter);
            return false;
        }
        catch (OperationCanceledException)
        {
            Remove(waiter);
            throw;
        }
    }

    // Outside the lock: continuations run asynchronously, but TrySetResult itself should not hold the gate.
    private static void Complete(List<TaskCompletionSource<bool>>? released)
    {
        if (released is null)
            return;
        foreach (var waiter in released)
            waiter.TrySetResult(true);
    }

    private void Remove(TaskCompletionSource<bool> waiter)
    {
        lock (_gate)
            _waiting.Remove(waiter, out _, out _);
    }
}
