namespace KvStore.Node.Threading;

/// <summary>An auto-reset wake-up for one waiting loop: Set before or during a wait releases exactly one wait.</summary>
internal sealed class AsyncSignal
{
    private readonly Lock _gate = new();
    private TaskCompletionSource? _waiter;
    private bool _signaled;

    public void Set()
    {
        TaskCompletionSource? waiter;
        lock (_gate)
        {
            waiter = _waiter;
            _waiter = null;
            _signaled = waiter is null;
        }

        waiter?.TrySetResult();
    }

    public Task WaitAsync(CancellationToken cancellationToken)
    {
        lock (_gate)
        {
            if (_signaled)
            {
                _signaled = false;
                return Task.CompletedTask;
            }

            _waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
            return _waiter.Task.WaitAsync(cancellationToken);
        }
    }
}
