namespace KvStore.Node.Threading;

/// <summary>
/// An auto-reset wake-up for one waiting loop: a Set before or during a wait releases exactly one wait.
/// Invariant: the signal is raised by Set and lowered only by a wait that returns, so a wait that is abandoned
/// (cancelled) never swallows a Set: the raised signal stays for the next wait.
/// </summary>
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
            _signaled = true;
            waiter = _waiter;
            _waiter = null;
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
        }

        return WaitForSetAsync(cancellationToken);
    }

    private async Task WaitForSetAsync(CancellationToken cancellationToken)
    {
        while (true)
        {
            Task set;
            lock (_gate)
            {
                if (_signaled)
                {
                    _signaled = false;
                    return;
                }

                // A completion source left by an abandoned wait is still unset (Set clears it), so it can be shared.
                set = (_waiter ??= new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously)).Task;
            }

            await (cancellationToken.CanBeCanceled ? set.WaitAsync(cancellationToken) : set);
        }
    }
}
