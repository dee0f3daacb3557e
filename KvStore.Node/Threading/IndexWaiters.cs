namespace KvStore.Node.Threading;

/// <summary>
/// Lets callers wait until a monotonically advancing index reaches a value: the applied index for
/// read-your-writes, the k-th highest follower acknowledgement for a quorum.
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

        // Completing outside the lock: continuations run asynchronously, but TrySetResult itself should not hold the gate.
        if (released is not null)
        {
            foreach (var waiter in released)
                waiter.TrySetResult(true);
        }
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

    private void Remove(TaskCompletionSource<bool> waiter)
    {
        lock (_gate)
            _waiting.Remove(waiter, out _, out _);
    }
}
