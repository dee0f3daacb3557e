using System.Buffers;
using System.Diagnostics;
using System.Text;

namespace KvStore.Node.Storage;

/// <summary>
/// The keys' items in an open-addressing table (linear probing): one array of item references and one of their
/// hashes, about 12 bytes a key beside the item itself, where a concurrent dictionary spends a 56-byte node and a
/// bucket. One writer at a time (the state's apply lock), readers without any lock.
/// <para>
/// Why readers need no lock: the writer never moves an item within a published slot array. It replaces an item by
/// writing the new reference into the same slot (the hash is the same), deletes by writing a tombstone, and fills an
/// empty or tombstone slot by writing the hash first and then the reference with release semantics, so a reader that
/// sees the reference sees its hash. Growing builds a new slot array and publishes it whole; the old one is never
/// written again. A reader compares the key itself before trusting a slot, so a hash it read early cannot mislead it.
/// At least a quarter of the slots stay empty, so every probe ends.
/// </para>
/// </summary>
internal sealed class ItemTable
{
    private const int MinimumCapacity = 16;
    private const int StackKeyBytes = 512;

    /// <summary>The mark of a deleted item: probes pass over it, inserts may reuse its slot.</summary>
    private static readonly byte[] Tombstone = [];

    private Slots _slots = new(MinimumCapacity);
    private int _count;

    // Items plus tombstones: what fills the table and decides when it is rebuilt.
    private int _occupied;

    public int Count => Volatile.Read(ref _count);

    /// <summary>
    /// A table of <paramref name="items"/>, which hold each key once (a snapshot: taken from a table, or read from a
    /// file written from one), so none is looked up first: a restart inserts a million keys.
    /// </summary>
    public static ItemTable From(StoredItem[] items)
    {
        var slots = new Slots(CapacityFor(items.Length));
        foreach (var item in items)
        {
            var hash = Hash(item.KeyUtf8);
            Debug.Assert(slots.Find(item.KeyUtf8, hash, out _) < 0, "a snapshot holds each key once");
            var free = slots.FreeSlotFor(hash);
            slots.Hashes[free] = hash;
            slots.Items[free] = item.Bytes;
        }

        return new ItemTable { _slots = slots, _count = items.Length, _occupied = items.Length };
    }

    public bool TryGet(string key, out StoredItem item)
    {
        using var utf8 = new Utf8Key(key, stackalloc byte[StackKeyBytes]);
        return TryGet(utf8.Bytes, out item);
    }

    public bool TryGet(ReadOnlySpan<byte> key, out StoredItem item)
    {
        // The item the probe matched, not a second read of its slot, which a delete and an insert may have reused.
        var found = Volatile.Read(ref _slots).Find(key, Hash(key), out var bytes) >= 0;
        item = found ? StoredItem.FromBytes(bytes!) : default;
        return found;
    }

    /// <summary>Stores <paramref name="item"/> under its key, replacing the key's previous item. Writer only.</summary>
    public void Set(StoredItem item)
    {
        var key = item.KeyUtf8;
        var hash = Hash(key);
        var slots = _slots;
        var existing = slots.Locate(key, hash, out var free);
        if (existing >= 0)
        {
            Volatile.Write(ref slots.Items[existing], item.Bytes);
            return;
        }

        if (_occupied + 1 > slots.Items.Length / 4 * 3)
        {
            slots = Rebuild(CapacityFor(_count + 1));
            free = slots.FreeSlotFor(hash);
        }

        var wasEmpty = slots.Items[free] is null;
        slots.Hashes[free] = hash;
        Volatile.Write(ref slots.Items[free], item.Bytes);
        if (wasEmpty)
            _occupied++;
        Volatile.Write(ref _count, _count + 1);
    }

    /// <summary>Deletes <paramref name="key"/>'s item; false when there was none. Writer only.</summary>
    public bool Remove(string key)
    {
        using var utf8 = new Utf8Key(key, stackalloc byte[StackKeyBytes]);
        return Remove(utf8.Bytes);
    }

    /// <summary>Deletes the item whose key is <paramref name="keyUtf8"/>; false when there was none. Writer only.</summary>
    public bool Remove(ReadOnlySpan<byte> keyUtf8)
    {
        var slots = _slots;
        var found = slots.Find(keyUtf8, Hash(keyUtf8), out _);
        if (found < 0)
            return false;
        Volatile.Write(ref slots.Items[found], Tombstone);
        Volatile.Write(ref _count, _count - 1);
        return true;
    }

    /// <summary>Every item, read without a lock: items written meanwhile may or may not be seen. Never a torn item.</summary>
    public IEnumerable<StoredItem> Items()
    {
        var slots = Volatile.Read(ref _slots);
        for (var i = 0; i < slots.Items.Length; i++)
        {
            if (Volatile.Read(ref slots.Items[i]) is { } bytes && !ReferenceEquals(bytes, Tombstone))
                yield return StoredItem.FromBytes(bytes);
        }
    }

    /// <summary>
    /// A string key's UTF-8 bytes for one lookup: in the caller's stack buffer when any encoding of it fits, else in a
    /// pooled array returned on dispose. Lookups by string then allocate nothing, since the table compares bytes.
    /// </summary>
    private ref struct Utf8Key
    {
        private readonly byte[]? _rented;

        public Utf8Key(string key, Span<byte> buffer)
        {
            if (Encoding.UTF8.GetMaxByteCount(key.Length) > buffer.Length)
                buffer = _rented = ArrayPool<byte>.Shared.Rent(Encoding.UTF8.GetByteCount(key));
            Bytes = buffer[..Encoding.UTF8.GetBytes(key, buffer)];
        }

        public ReadOnlySpan<byte> Bytes { get; }

        public readonly void Dispose()
        {
            if (_rented is not null)
                ArrayPool<byte>.Shared.Return(_rented);
        }
    }

    /// <summary>Seeded per process (<see cref="HashCode"/>), so keys chosen to collide cannot be chosen from outside.</summary>
    internal static int Hash(ReadOnlySpan<byte> key)
    {
        var hash = new HashCode();
        hash.AddBytes(key);
        return hash.ToHashCode();
    }

    /// <summary>Half full after a rebuild: growth by half again before the next one, about 12 to 18 bytes a key.</summary>
    private static int CapacityFor(int count) => Math.Max(MinimumCapacity, checked(count * 2));

    private Slots Rebuild(int capacity)
    {
        var rebuilt = new Slots(capacity);
        var old = _slots;
        for (var i = 0; i < old.Items.Length; i++)
        {
            if (old.Items[i] is { } bytes && !ReferenceEquals(bytes, Tombstone))
            {
                var free = rebuilt.FreeSlotFor(old.Hashes[i]);
                rebuilt.Hashes[free] = old.Hashes[i];
                rebuilt.Items[free] = bytes;
            }
        }

        _occupied = _count;
        Volatile.Write(ref _slots, rebuilt);
        return rebuilt;
    }

    private sealed class Slots(int capacity)
    {
        public readonly byte[]?[] Items = new byte[]?[capacity];
        public readonly int[] Hashes = new int[capacity];

        /// <summary>The slot holding <paramref name="key"/> and the item read from it, or -1.</summary>
        public int Find(ReadOnlySpan<byte> key, int hash, out byte[]? item)
        {
            for (var i = Home(hash); ; i = Next(i))
            {
                item = Volatile.Read(ref Items[i]);
                if (item is null)
                    return -1;
                if (Hashes[i] == hash && !ReferenceEquals(item, Tombstone) && StoredItem.FromBytes(item).KeyUtf8.SequenceEqual(key))
                    return i;
            }
        }

        /// <summary>
        /// Writer only: the slot holding <paramref name="key"/>, or -1; and in <paramref name="free"/> the slot an insert
        /// would take, the first tombstone the probe passed or else the empty slot that ended it. One probe for both.
        /// </summary>
        public int Locate(ReadOnlySpan<byte> key, int hash, out int free)
        {
            free = -1;
            for (var i = Home(hash); ; i = Next(i))
            {
                var item = Items[i];
                if (item is null)
                {
                    if (free < 0)
                        free = i;
                    return -1;
                }

                if (ReferenceEquals(item, Tombstone))
                {
                    if (free < 0)
                        free = i;
                }
                else if (Hashes[i] == hash && StoredItem.FromBytes(item).KeyUtf8.SequenceEqual(key))
                {
                    return i;
                }
            }
        }

        /// <summary>The first empty or tombstone slot on <paramref name="hash"/>'s probe sequence (the key is known absent).</summary>
        public int FreeSlotFor(int hash)
        {
            for (var i = Home(hash); ; i = Next(i))
            {
                var bytes = Items[i];
                if (bytes is null || ReferenceEquals(bytes, Tombstone))
                    return i;
            }
        }

        // Multiply-shift maps the hash onto any capacity, so the table need not be a power of two in size.
        private int Home(int hash) => (int)((ulong)(uint)hash * (ulong)Items.Length >> 32);

        private int Next(int i) => i + 1 == Items.Length ? 0 : i + 1;
    }
}
