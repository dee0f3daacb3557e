using System.Buffers.Binary;
using System.Text;

namespace KvStore.Node.Storage;

/// <summary>
/// One key as the state holds it: version, key and value in a single array, <c>[i64 version][u16 key length][key
/// UTF-8][value UTF-8 JSON]</c>. One array per key instead of a dictionary node, a key string and a value array is
/// what keeps a node with a million small keys within 1.5x the memory Redis needs for them. Invariant: the array is
/// never written after it is built; a write replaces the whole item, so a reader always sees a version with its value.
/// </summary>
public readonly struct StoredItem
{
    private const int KeyOffset = 10;
    private readonly byte[] _bytes;

    private StoredItem(byte[] bytes) => _bytes = bytes;

    /// <summary>The log index of the write that set this value.</summary>
    public long Version => BinaryPrimitives.ReadInt64LittleEndian(_bytes);

    public ReadOnlySpan<byte> KeyUtf8 => _bytes.AsSpan(KeyOffset, KeyLength);

    /// <summary>The key, decoded: a new string each time, for the callers that need one (reads get theirs from the request).</summary>
    public string Key => Encoding.UTF8.GetString(KeyUtf8);

    /// <summary>The value as the UTF-8 JSON text the client sent.</summary>
    public ReadOnlyMemory<byte> Value => _bytes.AsMemory(KeyOffset + KeyLength);

    internal byte[] Bytes => _bytes;

    private int KeyLength => BinaryPrimitives.ReadUInt16LittleEndian(_bytes.AsSpan(8));

    public static StoredItem Create(long version, string key, ReadOnlySpan<byte> value)
    {
        var keyLength = Encoding.UTF8.GetByteCount(key);
        var bytes = Allocate(version, keyLength, value);
        Encoding.UTF8.GetBytes(key, bytes.AsSpan(KeyOffset, keyLength));
        return new StoredItem(bytes);
    }

    public static StoredItem Create(long version, ReadOnlySpan<byte> keyUtf8, ReadOnlySpan<byte> value)
    {
        var bytes = Allocate(version, keyUtf8.Length, value);
        keyUtf8.CopyTo(bytes.AsSpan(KeyOffset));
        return new StoredItem(bytes);
    }

    internal static StoredItem FromBytes(byte[] bytes) => new(bytes);

    /// <summary>Orders items by key, comparing UTF-8 bytes: the order of Unicode code points.</summary>
    public static int CompareKeys(StoredItem a, StoredItem b) => a.KeyUtf8.SequenceCompareTo(b.KeyUtf8);

    private static byte[] Allocate(long version, int keyLength, ReadOnlySpan<byte> value)
    {
        // Keys are at most NodeContext.MaxKeyBytes (1 KiB), far inside the two-byte length.
        if (keyLength > ushort.MaxValue)
            throw new ArgumentException($"A key of {keyLength} bytes does not fit an item.", nameof(keyLength));
        var bytes = GC.AllocateUninitializedArray<byte>(KeyOffset + keyLength + value.Length);
        BinaryPrimitives.WriteInt64LittleEndian(bytes, version);
        BinaryPrimitives.WriteUInt16LittleEndian(bytes.AsSpan(8), (ushort)keyLength);
        value.CopyTo(bytes.AsSpan(KeyOffset + keyLength));
        return bytes;
    }
}
