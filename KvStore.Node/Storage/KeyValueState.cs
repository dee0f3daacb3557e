using KvStore.Node.Threading;

namespace KvStore.Node.Storage;

/// <summary>
/// The replicated state machine: every key's latest value and version, and the index of the last
/// entry applied. Invariant: entries are applied strictly in index order, one after the other, so
/// every replica passes through exactly the leader's sequence of states. Reads take no lock.
/// </summary>
public sealed class KeyValueState
{
    // Replaced whole by Restore, so a reader sees either the old state or the new one, never a mixture.
    private ItemTable _items = new();
    private readonly Lock _applyGate = new();
    private readonly IndexWaiters _applied = new();
    private long _appliedIndex;

    // The journals of the snapshots being taken (usually none); replaced, never mutated, under the apply lock.
    private ChangeJournal[] _journals = [];

    public long AppliedIndex => Volatile.Read(ref _appliedIndex);

    public int Count => Volatile.Read(ref _items).Count;

    public bool TryGet(string key, out StoredItem item) => Volatile.Read(ref _items).TryGet(key, out item);

    /// <summary>
    /// The items as they are while writes go on: read without the apply lock, so readers never stall writers, but
    /// not a point-in-time copy (a key written during the walk may or may not be in it). Each item's value and
    /// version belong together: a write replaces the whole item. For consistent copies use <see cref="Snapshot"/>.
    /// </summary>
    public IEnumerable<StoredItem> Live => Volatile.Read(ref _items).Items();

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
            Volatile.Write(ref _items, ItemTable.From(snapshot.Items));
            Volatile.Write(ref _appliedIndex, snapshot.AppliedIndex);
        }

        _applied.Set(snapshot.AppliedIndex);
    }

    /// <summary>Waits until this replica has applied <paramref name="index"/>; false on timeout.</summary>
    public Task<bool> WaitForAppliedAsync(long index, TimeSpan timeout, CancellationToken cancellationToken) =>
        _applied.WaitAsync(index, timeout, cancellationToken);

    /// <summary>
    /// A consistent copy, sorted by key (its UTF-8 bytes): the items exactly as of <see cref="StateSnapshot.AppliedIndex"/>. Writes are not
    /// held up while it is taken: the table is read without the apply lock while every entry applied meanwhile is
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
        var seen = new List<StoredItem>(Count);
        long appliedIndex;
        try
        {
            foreach (var item in Live)
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
            var last = new Dictionary<StoredItem, Change>(SameKey.Instance);
            foreach (var change in journal.Changes)
                last[change.Item] = change;
            items = new List<StoredItem>(seen.Count + last.Count);
            foreach (var item in seen)
            {
                if (!last.ContainsKey(item))
                    items.Add(item);
            }

            foreach (var change in last.Values)
            {
                if (!change.Deleted)
                    items.Add(change.Item);
            }
        }

        var sorted = items.ToArray();
        Array.Sort(sorted, StoredItem.CompareKeys);
        return new StateSnapshot(appliedIndex, sorted);
    }

    /// <summary>The state replaced wholesale (<see cref="Restore"/>) while a journal ran: copy it under the apply lock instead.</summary>
    private StateSnapshot LockedSnapshot()
    {
        StoredItem[] items;
        long appliedIndex;
        lock (_applyGate)
        {
            items = [.. Live];
            appliedIndex = _appliedIndex;
        }

        Array.Sort(items, StoredItem.CompareKeys);
        return new StateSnapshot(appliedIndex, items);
    }

    private void ApplyNext(in LogEntry entry)
    {
        if (entry.Index != _appliedIndex + 1)
            throw new InvalidOperationException($"Apply out of order: applied {_appliedIndex}, got {entry.Index}.");

        Change change;
        if (entry.Value is { } value)
        {
            change = new Change(StoredItem.Create(entry.Index, entry.Key, value), Deleted: false);
            _items.Set(change.Item);
        }
        else if (_journals.Length == 0)
        {
            _items.Remove(entry.Key);
            change = default;
        }
        else
        {
            // A snapshot is being read and its journal needs the key as an item: encoded once, for both.
            change = new Change(StoredItem.Create(entry.Index, entry.Key, []), Deleted: true);
            _items.Remove(change.Item.KeyUtf8);
        }

        foreach (var journal in _journals)
            journal.Changes.Add(change);
        Volatile.Write(ref _appliedIndex, entry.Index);
    }

    /// <summary>A key's new item, or, for a delete, an item that only names the key.</summary>
    private readonly record struct Change(StoredItem Item, bool Deleted);

    /// <summary>Every change applied while a snapshot reads the table. Guarded by the apply lock.</summary>
    private sealed class ChangeJournal
    {
        public List<Change> Changes { get; } = [];

        /// <summary>The whole state was replaced meanwhile: the journal cannot repair what the read saw.</summary>
        public bool Restored { get; set; }
    }

    /// <summary>Items compared by key alone.</summary>
    private sealed class SameKey : IEqualityComparer<StoredItem>
    {
        public static SameKey Instance { get; } = new();

        public bool Equals(StoredItem x, StoredItem y) => x.KeyUtf8.SequenceEqual(y.KeyUtf8);

        public int GetHashCode(StoredItem item) => ItemTable.Hash(item.KeyUtf8);
    }
}

public sealed record StateSnapshot(long AppliedIndex, StoredItem[] Items)
{
    public static StateSnapshot Empty { get; } = new(0, []);
}
