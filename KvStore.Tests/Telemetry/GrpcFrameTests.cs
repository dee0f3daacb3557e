using System.Buffers;
using KvStore.AppHost.Telemetry.Otlp.Collector.Trace;
using KvStore.AppHost.Telemetry.Receiver;

namespace KvStore.Tests.Telemetry;

public sealed class GrpcFrameTests
{
    [Fact]
    public void A_frame_is_read_only_once_whole_and_leaves_what_follows()
    {
        var frame = GrpcFrame.Encode(new ExportTraceServiceResponse { PartialSuccess = new() { RejectedSpans = 3 } });
        byte[] bytes = [.. frame, 0x7f];

        for (var cut = 0; cut < frame.Length; cut++)
        {
            var partial = new ReadOnlySequence<byte>(bytes, 0, cut);
            Assert.False(GrpcFrame.TryRead(ref partial, 1024, out _, out _), $"read a frame from {cut} bytes");
        }

        var buffer = new ReadOnlySequence<byte>(bytes);
        Assert.True(GrpcFrame.TryRead(ref buffer, 1024, out var compressed, out var message));
        Assert.False(compressed);
        Assert.Equal(3, ExportTraceServiceResponse.Parser.ParseFrom(message).PartialSuccess.RejectedSpans);
        Assert.Equal([0x7f], buffer.ToArray());
    }

    [Fact]
    public void A_frame_announcing_more_than_the_limit_is_refused_before_it_arrives()
    {
        var buffer = new ReadOnlySequence<byte>([0, 0, 1, 0, 0]);
        Assert.Throws<InvalidDataException>(() => GrpcFrame.TryRead(ref buffer, 1024, out _, out _));
    }
}
