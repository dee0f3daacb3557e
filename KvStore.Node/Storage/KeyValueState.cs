using System.Collections.Concurrent;
using KvStore.Node.Threading;

namespace KvStore.Node.Storage;

/// <summary>
/// The replicated state machine: every key's latest value and version, and the index of the last
/// entry applied. Invariant: entries are applied strictly in index order, one after the other, so
/// every replica passes through exactly the leader's sequence of states. Reads take no lock.
/// </summary>
public sealed class KeyValueState
{
    private readonly ConcurrentDictionary<string, VersionedValue> _items = new(StringComparer.Ordinal);
    private readonly Lock _applyGate = new();
    private readonly IndexWaiters _applied = new();
    private long _appliedIndex;

    public long AppliedIndex => Volatile.Read(ref _appliedIndex);

    public int Count => _items.Count;

    public bool TryGet(string key, out VersionedValue value) => _items.TryGetValue(key, out value);

    /// <summary>
    /// The items as they are while writes go on: read without the apply lock, so readers never stall writers, but
    /// not a point-in-time copy (a key written during the walk may or may not be in it). Each item's value and
    /// version belong together: the dictionary stores a value this size by swapping in a new node, never by writing
    /// into the old one. For consistent copies use <see cref="Snapshot"/>.
    /// </summary>
    public IEnumerable<KeyValuePair<string, VersionedValue>> Live => _items;

    /// <summary>Applies <paramref name="entry"/>, which must be the next index.</summary>
    public void Apply(in LogEntry entry)
    {
        lock (_applyGate)
            ApplyNext(entry);
        _applied.Set(entry.Index);
    }

    /// <summary>
    /// Applies the entries that follow the applied index, skipping those already applied (a resend)
    /// and stopping at a gap. Returns the applied index afterwards.
    /// </summary>
    public long ApplyInOrder(IReadOnlyList<LogEntry> entries)
    {
        long applied;
        lock (_applyGate)
        {
            foreach (var entry in entries)
            {
                if (entry.Index <= _appliedIndex)
                    continue;
                if (entry.Index != _appliedIndex + 1)
                    break;
                ApplyNext(entry);
            }

            applied = _appliedIndex;
        }

        _applied.Set(applied);
        return applied;
    }

    /// <summary>Replaces everything with <paramref name="snapshot"/>: recovery, catch-up by snapshot, or a new log history.</summary>
    public void Restore(StateSnapshot snapshot)
    {
        lock (_applyGate)
        {
            _items.Clear();
            foreach (var (key, value) in snapshot.Items)
                _items[key] = value;
            Volatile.Write(ref _appliedIndex, snapshot.AppliedIndex);
        }

        _applied.Set(snapshot.AppliedIndex);
    }

    /// <summary>Waits until this replica has applied <paramref name="index"/>; false on timeout.</summary>
    public Task<bool> WaitForAppliedAsync(long index, TimeSpan timeout, CancellationToken cancellationToken) =>
        _applied.WaitAsync(index, timeout, cancellationToken);

    /// <summary>A consistent copy: the items exactly as of <see cref="StateSnapshot.AppliedIndex"/>.</summary>
    public StateSnapshot Snapshot()
    {
        lock (_applyGate)
        {
            var items = _items.ToArray();
            Array.Sort(items, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
            return new StateSnapshot(_appliedIndex, items);
        }
    }

    private void ApplyNext(in LogEntry entry)
    {
        if (entry.Index != _appliedIndex + 1)
            throw new InvalidOperationException($"Apply out of order: applied {_appliedIndex}, got {entry.Index}.");

        if (entry.Value is null)
            _items.TryRemove(entry.Key, out _);
        else
            _items[entry.Key] = new VersionedValue(entry.Value, entry.Index);

        Volatile.Write(ref _appliedIndex, entry.Index);
    }
}

public sealed record StateSnapshot(long AppliedIndex, KeyValuePair<string, VersionedValue>[] Items)
{
    public static StateSnapshot Empty { get; } = new(0, []);
}
