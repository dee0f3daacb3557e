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

    // The journals of the snapshots being taken (usually none); replaced, never mutated, under the apply lock.
    private ChangeJournal[] _journals = [];

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
            foreach (var journal in _journals)
                journal.Restored = true;
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

    /// <summary>
    /// A consistent copy, sorted by key: the items exactly as of <see cref="StateSnapshot.AppliedIndex"/>. Writes are not
    /// held up while it is taken: the dictionary is read without the apply lock while every entry applied meanwhile is
    /// also recorded in a change journal; the journal's last change per key then overrides whatever the read saw of that
    /// key, so the result is the state at the index where the journal ends. The apply lock is held only to start and
    /// end the journal. Sorting works on the private copy.
    /// </summary>
    public StateSnapshot Snapshot()
    {
        var journal = new ChangeJournal();
        lock (_applyGate)
            _journals = [.. _journals, journal];

        // Keys no write touches meanwhile are seen exactly once with their value; any other key is in the journal.
        var seen = new List<KeyValuePair<string, VersionedValue>>();
        long appliedIndex;
        try
        {
            foreach (var item in _items)
                seen.Add(item);
        }
        finally
        {
            lock (_applyGate)
            {
                appliedIndex = _appliedIndex;
                _journals = Array.FindAll(_journals, j => j != journal);
            }
        }

        if (journal.Restored)
            return LockedSnapshot();

        var items = seen;
        if (journal.Changes.Count > 0)
        {
            var last = new Dictionary<string, VersionedValue?>(StringComparer.Ordinal);
            foreach (var (key, value) in journal.Changes)
                last[key] = value;
            items = new List<KeyValuePair<string, VersionedValue>>(seen.Count + last.Count);
            foreach (var item in seen)
            {
                if (!last.ContainsKey(item.Key))
                    items.Add(item);
            }

            foreach (var (key, value) in last)
            {
                if (value is { } present)
                    items.Add(KeyValuePair.Create(key, present));
            }
        }

        var sorted = items.ToArray();
        Array.Sort(sorted, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new StateSnapshot(appliedIndex, sorted);
    }

    /// <summary>The state replaced wholesale (<see cref="Restore"/>) while a journal ran: copy it under the apply lock instead.</summary>
    private StateSnapshot LockedSnapshot()
    {
        KeyValuePair<string, VersionedValue>[] items;
        long appliedIndex;
        lock (_applyGate)
        {
            items = _items.ToArray();
            appliedIndex = _appliedIndex;
        }

        Array.Sort(items, static (a, b) => string.CompareOrdinal(a.Key, b.Key));
        return new StateSnapshot(appliedIndex, items);
    }

    private void ApplyNext(in LogEntry entry)
    {
        if (entry.Index != _appliedIndex + 1)
            throw new InvalidOperationException($"Apply out of order: applied {_appliedIndex}, got {entry.Index}.");

        VersionedValue? value = entry.Value is null ? null : new VersionedValue(entry.Value, entry.Index);
        if (value is { } present)
            _items[entry.Key] = present;
        else
            _items.TryRemove(entry.Key, out _);

        foreach (var journal in _journals)
            journal.Changes.Add(KeyValuePair.Create(entry.Key, value));
        Volatile.Write(ref _appliedIndex, entry.Index);
    }

    /// <summary>Every change applied while a snapshot reads the dictionary; a null value is a delete. Guarded by the apply lock.</summary>
    private sealed class ChangeJournal
    {
        public List<KeyValuePair<string, VersionedValue?>> Changes { get; } = [];

        /// <summary>The whole state was replaced meanwhile: the journal cannot repair what the read saw.</summary>
        public bool Restored { get; set; }
    }
}

public sealed record StateSnapshot(long AppliedIndex, KeyValuePair<string, VersionedValue>[] Items)
{
    public static StateSnapshot Empty { get; } = new(0, []);
}
