using System.Buffers;
using System.Buffers.Binary;
using KvStore.Node.Replication;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// A state snapshot as bytes, on disk and on the wire (catch-up by snapshot): a 44-byte header
/// <c>["KVSNAP01"][log id, 16][index, i64][count, i64][CRC32C of the previous 40 bytes]</c>, then
/// <c>count</c> log records whose index is each key's version. Every record carries its own checksum,
/// and the count must match, so a truncated or damaged snapshot is refused whole.
/// </summary>
public static class SnapshotFile
{
    public const string ContentType = "application/vnd.kvstore.snapshot";
    private const int HeaderSize = 44;
    private static readonly byte[] Magic = "KVSNAP01"u8.ToArray();

    public static async Task WriteAsync(Stream output, Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        var header = new byte[HeaderSize];
        Magic.CopyTo(header, 0);
        logId.TryWriteBytes(header.AsSpan(8));
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(24), snapshot.AppliedIndex);
        BinaryPrimitives.WriteInt64LittleEndian(header.AsSpan(32), snapshot.Items.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(header.AsSpan(40), Crc32C.Compute(header.AsSpan(0, 40)));
        await output.WriteAsync(header, cancellationToken);

        var buffer = new ArrayBufferWriter<byte>(1 << 20);
        foreach (var item in snapshot.Items)
        {
            LogRecordCodec.Write(buffer, item);
            if (buffer.WrittenCount >= 1 << 20)
            {
                await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
                buffer.ResetWrittenCount();
            }
        }

        await output.WriteAsync(buffer.WrittenMemory, cancellationToken);
    }

    /// <summary>Reads a whole snapshot; throws <see cref="WalCorruptionException"/> naming <paramref name="source"/> when it is damaged.</summary>
    public static (Guid LogId, StateSnapshot Snapshot) Read(ReadOnlySpan<byte> data, string source)
    {
        if (data.Length < HeaderSize || !data[..8].SequenceEqual(Magic) ||
            BinaryPrimitives.ReadUInt32LittleEndian(data[40..]) != Crc32C.Compute(data[..40]))
        {
            throw new WalCorruptionException($"{source}: not a KvStore snapshot, or its header is damaged.");
        }

        var logId = new Guid(data.Slice(8, 16));
        var index = BinaryPrimitives.ReadInt64LittleEndian(data[24..]);
        var count = BinaryPrimitives.ReadInt64LittleEndian(data[32..]);
        if (index < 0 || count < 0 || count > (data.Length - HeaderSize) / LogRecordCodec.HeaderSize)
            throw new WalCorruptionException($"{source}: the snapshot header is inconsistent (index {index}, {count} items).");

        var items = new StoredItem[count];
        var rest = data[HeaderSize..];
        for (var i = 0; i < count; i++)
        {
            if (LogRecordCodec.TryReadItem(rest, out var item, out var consumed) != DecodeStatus.Ok || item.Version > index)
                throw new WalCorruptionException($"{source}: item {i} of {count} is truncated or damaged.");
            items[i] = item;
            rest = rest[consumed..];
        }

        if (!rest.IsEmpty)
            throw new WalCorruptionException($"{source}: {rest.Length} unexpected bytes after the last item.");
        return (logId, new StateSnapshot(index, items));
    }
}
