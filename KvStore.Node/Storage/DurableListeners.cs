namespace KvStore.Node.Storage;

/// <summary>
/// Who a log tells when its durable index advances (<see cref="IReplicationLog.OnDurable"/>). Listeners are added
/// while the node starts and called on every advance, so the list is copied on add and read without a lock.
/// </summary>
internal sealed class DurableListeners
{
    private Action[] _listeners = [];

    public void Add(Action listener)
    {
        ArgumentNullException.ThrowIfNull(listener);
        Action[] current, updated;
        do
        {
            current = Volatile.Read(ref _listeners);
            updated = [.. current, listener];
        }
        while (Interlocked.CompareExchange(ref _listeners, updated, current) != current);
    }

    /// <summary>Called after the new durable index is published, so a listener that reads the log sees it.</summary>
    public void Notify()
    {
        foreach (var listener in Volatile.Read(ref _listeners))
            listener();
    }
}
