using System.Buffers;
using System.Buffers.Binary;
using Google.Protobuf;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>
/// gRPC's message framing over HTTP/2 (grpc/doc/PROTOCOL-HTTP2.md, "Length-Prefixed-Message"): one byte "compressed"
/// flag, a four-byte big-endian length, then the message. A unary call carries exactly one frame each way.
/// </summary>
internal static class GrpcFrame
{
    public const int HeaderSize = 5;

    /// <summary>Takes one whole frame from the front of <paramref name="buffer"/>, or returns false if it is not all there yet.</summary>
    /// <exception cref="InvalidDataException">The frame announces a message larger than <paramref name="maxMessageSize"/>.</exception>
    public static bool TryRead(ref ReadOnlySequence<byte> buffer, int maxMessageSize, out bool compressed, out ReadOnlySequence<byte> message)
    {
        compressed = false;
        message = default;
        if (buffer.Length < HeaderSize)
            return false;

        Span<byte> header = stackalloc byte[HeaderSize];
        buffer.Slice(0, HeaderSize).CopyTo(header);
        var length = BinaryPrimitives.ReadUInt32BigEndian(header[1..]);
        if (length > maxMessageSize)
            throw new InvalidDataException($"message of {length} bytes exceeds the limit of {maxMessageSize}");
        if (buffer.Length < HeaderSize + length)
            return false;

        compressed = header[0] != 0;
        message = buffer.Slice(HeaderSize, length);
        buffer = buffer.Slice(HeaderSize + length);
        return true;
    }

    /// <summary>An uncompressed frame holding <paramref name="message"/>.</summary>
    public static byte[] Encode(IMessage message)
    {
        var size = message.CalculateSize();
        var frame = new byte[HeaderSize + size];
        BinaryPrimitives.WriteUInt32BigEndian(frame.AsSpan(1), (uint)size);
        message.WriteTo(frame.AsSpan(HeaderSize));
        return frame;
    }
}
