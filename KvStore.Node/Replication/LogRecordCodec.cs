using System.Buffers;
using System.Buffers.Binary;
using System.Text;
using KvStore.Node.Storage;

namespace KvStore.Node.Replication;

/// <summary>
/// The binary form of log entries on the wire (and, later, on disk). Each record is
/// <c>[u32 payload length][u32 CRC32C of payload][payload]</c>, little-endian, with payload
/// <c>[i64 index][u8 op][i32 key length][key UTF-8][i32 value length][value UTF-8 JSON]</c>.
/// The checksum means a damaged message is rejected whole instead of applying a wrong value.
/// </summary>
public static class LogRecordCodec
{
    public const string ContentType = "application/vnd.kvstore.log";
    public const int HeaderSize = 8;

    /// <summary>The payload's bytes besides key and value: index, op and the two lengths.</summary>
    public const int PayloadOverhead = 8 + 1 + 4 + 4;
    private const byte OpPut = 1;
    private const byte OpDelete = 2;

    /// <summary>The encoded size of <paramref name="entry"/>, in bytes.</summary>
    public static int SizeOf(in LogEntry entry) =>
        entry.Record.IsEmpty ? HeaderSize + PayloadLength(Encoding.UTF8.GetByteCount(entry.Key), entry.Value?.Length ?? 0) : entry.Record.Length;

    /// <summary><paramref name="entry"/> with its <see cref="LogEntry.Record"/>: encoded here, once, for every copy that follows.</summary>
    public static LogEntry Encoded(in LogEntry entry)
    {
        if (!entry.Record.IsEmpty)
            return entry;
        var keyLength = Encoding.UTF8.GetByteCount(entry.Key);
        var record = new byte[HeaderSize + PayloadLength(keyLength, entry.Value?.Length ?? 0)];
        Encode(record, entry, keyLength);
        return entry with { Record = record };
    }

    private static int PayloadLength(int keyLength, int valueLength) => PayloadOverhead + keyLength + valueLength;

    /// <summary>Writes <paramref name="entry"/>'s record: its <see cref="LogEntry.Record"/> bytes verbatim when it has them.</summary>
    public static void Write(IBufferWriter<byte> output, in LogEntry entry)
    {
        if (!entry.Record.IsEmpty)
        {
            output.Write(entry.Record.Span);
            return;
        }

        var keyLength = Encoding.UTF8.GetByteCount(entry.Key);
        var size = HeaderSize + PayloadLength(keyLength, entry.Value?.Length ?? 0);
        Encode(output.GetSpan(size), entry, keyLength);
        output.Advance(size);
    }

    /// <summary>Writes <paramref name="item"/> as the put record of its version: a snapshot's items are records too.</summary>
    public static void Write(IBufferWriter<byte> output, StoredItem item)
    {
        var key = item.KeyUtf8;
        var value = item.Value.Span;
        var size = HeaderSize + PayloadLength(key.Length, value.Length);
        var span = output.GetSpan(size);
        var payload = BeginPayload(span, item.Version, OpPut, key.Length, value.Length);
        key.CopyTo(payload[13..]);
        value.CopyTo(payload[(17 + key.Length)..]);
        Seal(span, payload);
        output.Advance(size);
    }

    /// <summary>Encodes into <paramref name="span"/>, which holds the whole record; <paramref name="keyLength"/> is the key's UTF-8 length, counted once by the caller.</summary>
    private static void Encode(Span<byte> span, in LogEntry entry, int keyLength)
    {
        var payload = BeginPayload(span, entry.Index, entry.IsDelete ? OpDelete : OpPut, keyLength, entry.Value?.Length ?? 0);
        Encoding.UTF8.GetBytes(entry.Key, payload.Slice(13, keyLength));
        entry.Value?.CopyTo(payload[(17 + keyLength)..]);
        Seal(span, payload);
    }

    /// <summary>The record's payload within <paramref name="span"/>, with everything but the key and value bytes written.</summary>
    private static Span<byte> BeginPayload(Span<byte> span, long index, byte op, int keyLength, int valueLength)
    {
        var payload = span.Slice(HeaderSize, PayloadLength(keyLength, valueLength));
        BinaryPrimitives.WriteInt64LittleEndian(payload, index);
        payload[8] = op;
        BinaryPrimitives.WriteInt32LittleEndian(payload[9..], keyLength);
        BinaryPrimitives.WriteInt32LittleEndian(payload[(13 + keyLength)..], valueLength);
        return payload;
    }

    /// <summary>The length and checksum in front of a written payload.</summary>
    private static void Seal(Span<byte> span, ReadOnlySpan<byte> payload)
    {
        BinaryPrimitives.WriteUInt32LittleEndian(span, (uint)payload.Length);
        BinaryPrimitives.WriteUInt32LittleEndian(span[4..], Crc32C.Compute(payload));
    }

    /// <summary>
    /// Reads one record from the start of <paramref name="input"/>. Returns <see cref="DecodeStatus.Incomplete"/>
    /// when the buffer ends inside a record and <see cref="DecodeStatus.Corrupt"/> when a checksum or field is wrong.
    /// </summary>
    /// <param name="keepRecord">Also copy the record's bytes into <see cref="LogEntry.Record"/>, for a log that stores them verbatim.</param>
    public static DecodeStatus TryRead(ReadOnlySpan<byte> input, out LogEntry entry, out int consumed, bool keepRecord = false)
    {
        entry = default;
        var status = TryReadFields(input, out var record, out consumed);
        if (status != DecodeStatus.Ok)
            return status;

        var key = Encoding.UTF8.GetString(record.Key);
        var value = record.Op == OpDelete ? null : record.Value.ToArray();
        entry = keepRecord
            ? new LogEntry(record.Index, key, value) { Record = input[..consumed].ToArray() }
            : new LogEntry(record.Index, key, value);
        return DecodeStatus.Ok;
    }

    /// <summary>
    /// Reads one put record straight into a <see cref="StoredItem"/> whose version is the record's index, decoding no
    /// string: a snapshot's items. A delete record is <see cref="DecodeStatus.Corrupt"/> here.
    /// </summary>
    public static DecodeStatus TryReadItem(ReadOnlySpan<byte> input, out StoredItem item, out int consumed)
    {
        item = default;
        var status = TryReadFields(input, out var record, out consumed);
        if (status != DecodeStatus.Ok)
            return status;
        if (record.Op != OpPut)
            return DecodeStatus.Corrupt;
        item = StoredItem.Create(record.Index, record.Key, record.Value);
        return DecodeStatus.Ok;
    }

    private ref struct RecordFields
    {
        public long Index;
        public byte Op;
        public ReadOnlySpan<byte> Key;
        public ReadOnlySpan<byte> Value;
    }

    private static DecodeStatus TryReadFields(ReadOnlySpan<byte> input, out RecordFields record, out int consumed)
    {
        record = default;
        consumed = 0;
        if (input.Length < HeaderSize)
            return DecodeStatus.Incomplete;

        var payloadLength = BinaryPrimitives.ReadUInt32LittleEndian(input);
        if (payloadLength < 17 || payloadLength > int.MaxValue - HeaderSize)
            return DecodeStatus.Corrupt;
        if (input.Length - HeaderSize < payloadLength)
            return DecodeStatus.Incomplete;

        var payload = input.Slice(HeaderSize, (int)payloadLength);
        if (BinaryPrimitives.ReadUInt32LittleEndian(input[4..]) != Crc32C.Compute(payload))
            return DecodeStatus.Corrupt;

        var index = BinaryPrimitives.ReadInt64LittleEndian(payload);
        var op = payload[8];
        var keyLength = BinaryPrimitives.ReadInt32LittleEndian(payload[9..]);
        if (index < 1 || op is not (OpPut or OpDelete) || keyLength < 0 || keyLength > payload.Length - 17)
            return DecodeStatus.Corrupt;
        var valueLength = BinaryPrimitives.ReadInt32LittleEndian(payload[(13 + keyLength)..]);
        if (valueLength != payload.Length - 17 - keyLength || (op == OpDelete && valueLength != 0))
            return DecodeStatus.Corrupt;

        record = new RecordFields { Index = index, Op = op, Key = payload.Slice(13, keyLength), Value = payload.Slice(17 + keyLength, valueLength) };
        consumed = HeaderSize + (int)payloadLength;
        return DecodeStatus.Ok;
    }

    /// <summary>Decodes a whole message; null when any record is damaged or the message ends mid-record.</summary>
    public static List<LogEntry>? ReadAll(ReadOnlySpan<byte> input, bool keepRecords = false)
    {
        var entries = new List<LogEntry>();
        while (!input.IsEmpty)
        {
            if (TryRead(input, out var entry, out var consumed, keepRecords) != DecodeStatus.Ok)
                return null;
            entries.Add(entry);
            input = input[consumed..];
        }

        return entries;
    }

}

public enum DecodeStatus
{
    Ok,
    Incomplete,
    Corrupt,
}
