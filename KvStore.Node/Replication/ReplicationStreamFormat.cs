using System.Buffers;
using System.Buffers.Binary;
using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KvStore.Node.Replication;

/// <summary>
/// The leader's replication stream: one long-lived connection per follower, opened as <c>POST /replicate</c> with
/// <c>Upgrade: kvstore-replication</c> (the same admission as a single message: token, role, log history) and
/// then switched (101) to a plain byte stream, frames one way and acknowledgements the other. No per-message
/// HTTP exchange: a message costs a frame header and one write, and the acknowledgements for every frame one read brought go back in one write.
/// <para>
/// Frame (leader to follower): <c>[u32 length of the rest][u8 flags][if traced: 16-byte trace id, 8-byte span id,
/// u8 trace flags][log records]</c>, the records as <see cref="LogRecordCodec"/> writes them (each with its CRC32C).
/// Acknowledgement (follower to leader): <c>[u8 kind][i64 first][i64 last]</c>. <see cref="AckKind.Applied"/> is
/// cumulative (everything up to <c>last</c> is applied and durable on the follower); the first one is sent before
/// any frame and is the follower's position. Each frame pays its own simulated lag, so frames overtake each other:
/// a follower whose log keeps nothing across a restart answers one that arrives ahead of its log with
/// <see cref="AckKind.Held"/> (it holds <c>first..last</c>, as durably as its log would, and applies them in order
/// once their predecessors arrive), so a write's quorum never waits for an earlier write's slower lag.
/// </para>
/// </summary>
public static class ReplicationStreamFormat
{
    /// <summary>The <c>Upgrade</c> token that asks for the stream.</summary>
    public const string UpgradeToken = "kvstore-replication";

    /// <summary>The sender's NODE_NAME, both ways: on the follower's 101 answer, and on the leader's upgrade request (a
    /// follower finds the leader among its PEERS by it, to reach it at its internal address).</summary>
    public const string NodeHeader = "X-KvStore-Node";

    /// <summary>
    /// The sender's ADVERTISED_URL, both ways: on the leader's upgrade request (a follower names it in its 421 answers)
    /// and on the follower's 101 answer (the leader lists it in <c>GET /cluster</c>). Absent when not set.
    /// </summary>
    public const string AdvertisedUrlHeader = "X-KvStore-Advertised-Url";

    public const int AckSize = 17;

    /// <summary>
    /// The largest frame (its length field: flags, trace context and records) either side handles. The leader cuts
    /// frames no larger; a follower refuses a larger one and ends the stream. Every write fits one frame, because
    /// MAX_VALUE_BYTES may not exceed <see cref="MaxValueBytes"/>.
    /// </summary>
    public const int MaxFrameBytes = 4 * 1024 * 1024;

    private const int LengthSize = 4;
    private const byte Traced = 1;
    private const int TraceSize = 16 + 8 + 1;

    /// <summary>The most bytes of records one frame carries (its header takes the rest of <see cref="MaxFrameBytes"/>).</summary>
    public const int MaxRecordBytes = MaxFrameBytes - 1 - TraceSize;

    /// <summary>The largest value whose record, with the longest key allowed, still fits one frame.</summary>
    public const int MaxValueBytes = MaxRecordBytes - LogRecordCodec.HeaderSize - LogRecordCodec.PayloadOverhead - Api.NodeContext.MaxKeyBytes;

    /// <summary>Starts a frame in <paramref name="output"/>; write its records, then call <see cref="EndFrame"/>.</summary>
    public static int BeginFrame(ArrayBufferWriter<byte> output, ActivityContext trace)
    {
        var start = output.WrittenCount;
        var traced = trace != default;
        var header = output.GetSpan(LengthSize + 1 + TraceSize);
        header[LengthSize] = traced ? Traced : (byte)0;
        if (!traced)
        {
            output.Advance(LengthSize + 1);
            return start;
        }

        trace.TraceId.CopyTo(header.Slice(LengthSize + 1, 16));
        trace.SpanId.CopyTo(header.Slice(LengthSize + 17, 8));
        header[LengthSize + 25] = (byte)trace.TraceFlags;
        output.Advance(LengthSize + 1 + TraceSize);
        return start;
    }

    public static void EndFrame(ArrayBufferWriter<byte> output, int start)
    {
        // ArrayBufferWriter's memory is one array: the length is patched in place once the records are written.
        var written = MemoryMarshal.AsMemory(output.WrittenMemory).Span[start..];
        BinaryPrimitives.WriteUInt32LittleEndian(written, (uint)(written.Length - LengthSize));
    }

    /// <summary>
    /// Takes one whole frame off the front of <paramref name="buffer"/>; false when it holds no whole frame yet.
    /// Throws <see cref="InvalidDataException"/> for a length no frame can have, or one above <see cref="MaxFrameBytes"/>.
    /// </summary>
    public static bool TryReadFrame(ref ReadOnlySequence<byte> buffer, out ReadOnlySequence<byte> frame)
    {
        frame = default;
        if (buffer.Length < LengthSize)
            return false;
        Span<byte> prefix = stackalloc byte[LengthSize];
        buffer.Slice(0, LengthSize).CopyTo(prefix);
        var length = BinaryPrimitives.ReadUInt32LittleEndian(prefix);
        if (length < 1)
            throw new InvalidDataException("A replication frame with no flags or records is malformed.");
        if (length > MaxFrameBytes)
            throw new InvalidDataException($"A replication frame of {length} bytes is larger than the limit of {MaxFrameBytes} bytes; the leader never sends one.");
        if (buffer.Length < LengthSize + length)
            return false;
        frame = buffer.Slice(LengthSize, length);
        buffer = buffer.Slice(frame.End);
        return true;
    }

    /// <summary>Splits a frame's body into its trace context and its records; null when the header is damaged.</summary>
    public static (ActivityContext Trace, ReadOnlyMemory<byte> Records)? ParseFrame(ReadOnlyMemory<byte> frame)
    {
        var span = frame.Span;
        if (span[0] == 0)
            return (default, frame[1..]);
        if (span[0] != Traced || span.Length < 1 + TraceSize)
            return null;
        var trace = new ActivityContext(
            ActivityTraceId.CreateFromBytes(span.Slice(1, 16)),
            ActivitySpanId.CreateFromBytes(span.Slice(17, 8)),
            (ActivityTraceFlags)span[25],
            isRemote: true);
        return (trace, frame[(1 + TraceSize)..]);
    }

    public static void WriteAck(Span<byte> destination, StreamAck ack)
    {
        destination[0] = (byte)ack.Kind;
        BinaryPrimitives.WriteInt64LittleEndian(destination[1..], ack.First);
        BinaryPrimitives.WriteInt64LittleEndian(destination[9..], ack.Last);
    }

    public static StreamAck ReadAck(ReadOnlySpan<byte> source) =>
        new((AckKind)source[0], BinaryPrimitives.ReadInt64LittleEndian(source[1..]), BinaryPrimitives.ReadInt64LittleEndian(source[9..]));
}

/// <summary>One acknowledgement on the stream; for <see cref="AckKind.Applied"/> and <see cref="AckKind.Gap"/> only <see cref="Last"/> counts.</summary>
public readonly record struct StreamAck(AckKind Kind, long First, long Last)
{
    public static StreamAck Applied(long index) => new(AckKind.Applied, index, index);

    public static StreamAck Gap(long index) => new(AckKind.Gap, index, index);

    public static StreamAck Held(long first, long last) => new(AckKind.Held, first, last);
}

public enum AckKind : byte
{
    /// <summary>Everything up to the index is durable on the follower.</summary>
    Applied = 1,

    /// <summary>The frame did not follow the follower's log; it closes the stream, and the leader resumes from the index.</summary>
    Gap = 2,

    /// <summary>The follower holds <c>first..last</c> ahead of its log, waiting for their predecessors.</summary>
    Held = 3,
}
