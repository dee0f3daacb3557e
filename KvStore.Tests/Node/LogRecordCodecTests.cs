using System.Buffers;
using System.Text;
using CsCheck;
using KvStore.Node.Replication;
using KvStore.Node.Storage;

namespace KvStore.Tests.Node;

public sealed class LogRecordCodecTests
{
    private static readonly LogEntry[] Entries =
    [
        new(1, "a", Encoding.UTF8.GetBytes("{\"x\":1}")),
        new(2, "ключ", Encoding.UTF8.GetBytes("\"значение\"")),
        new(3, "a", null),
        new(4, new string('k', 1024), new byte[70_000]),
    ];

    private static byte[] Encode(IEnumerable<LogEntry> entries)
    {
        var writer = new ArrayBufferWriter<byte>();
        foreach (var e in entries)
            LogRecordCodec.Write(writer, e);
        return writer.WrittenSpan.ToArray();
    }

    [Fact]
    public void Round_trips_puts_deletes_unicode_and_large_values()
    {
        var decoded = LogRecordCodec.ReadAll(Encode(Entries));
        Assert.NotNull(decoded);
        Assert.Equal(Entries.Length, decoded.Count);
        for (var i = 0; i < Entries.Length; i++)
        {
            Assert.Equal(Entries[i].Index, decoded[i].Index);
            Assert.Equal(Entries[i].Key, decoded[i].Key);
            Assert.Equal(Entries[i].Value, decoded[i].Value);
        }
    }

    [Fact]
    public void Every_single_bit_flip_is_rejected()
    {
        var bytes = Encode(Entries.Take(3));
        for (var bit = 0; bit < bytes.Length * 8; bit++)
        {
            var damaged = (byte[])bytes.Clone();
            damaged[bit / 8] ^= (byte)(1 << (bit % 8));
            var decoded = LogRecordCodec.ReadAll(damaged);
            Assert.True(decoded is null, $"bit {bit} flipped yet the message decoded");
        }
    }

    private static readonly Gen<LogEntry> AnyEntry =
        Gen.Select(Gen.Long[1, long.MaxValue], Gen.String[Gen.Char["aé€ключ:/0-9"], 0, 40], Gen.Byte.Array[0, 300].Null())
            .Select((index, key, value) => new LogEntry(index, key, value));

    [Fact]
    public void Any_records_round_trip_and_any_single_bit_flip_in_them_is_rejected()
    {
        Gen.Select(AnyEntry.Array[1, 4], Gen.Int[0, int.MaxValue]).Sample((entries, flip) =>
        {
            var bytes = Encode(entries);
            var decoded = LogRecordCodec.ReadAll(bytes);
            Assert.NotNull(decoded);
            Assert.Equal(entries.Select(e => (e.Index, e.Key, Hex(e.Value))), decoded.Select(e => (e.Index, e.Key, Hex(e.Value))));

            var bit = flip % (bytes.Length * 8);
            bytes[bit / 8] ^= (byte)(1 << (bit % 8));
            Assert.Null(LogRecordCodec.ReadAll(bytes));
        });
    }

    private static string? Hex(byte[]? value) => value is null ? null : Convert.ToHexString(value);

    [Fact]
    public void Every_truncation_is_rejected_as_incomplete()
    {
        var bytes = Encode(Entries.Take(2));
        var first = Encode(Entries.Take(1)).Length;
        for (var length = 1; length < bytes.Length; length++)
        {
            if (length == first)
                continue;
            Assert.Null(LogRecordCodec.ReadAll(bytes.AsSpan(0, length)));
        }
    }

    [Fact]
    public void Crc32c_matches_the_standard_check_value() =>
        Assert.Equal(0xE3069283u, Crc32C.Compute("123456789"u8));
}
