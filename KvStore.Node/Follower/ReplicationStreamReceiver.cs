using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace KvStore.Node.Follower;

/// <summary>
/// The follower's end of the leader's replication stream (<see cref="ReplicationStreamFormat"/>). Invariants: frames
/// are applied in the order they arrive, which is log order; an acknowledgement names only durable entries; a frame
/// that does not follow this replica's log ends the stream with a gap acknowledgement naming where it really is.
/// Acknowledgements are cumulative, so one is written per read of the socket, however many frames it held.
/// </summary>
public static partial class ReplicationStreamReceiver
{
    /// <summary>True when the request asks to turn its connection into the replication stream.</summary>
    public static bool IsStreamRequest(HttpContext http) =>
        http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } &&
        string.Equals(http.Request.Headers.Upgrade, ReplicationStreamFormat.UpgradeToken, StringComparison.OrdinalIgnoreCase);

    public static async Task RunAsync(HttpContext http, ReplicaApplier applier, Guid logId, string nodeName, ILogger logger,
        CancellationToken cancellationToken)
    {
        // The session lasts as long as the leader does: its request span would be one endless span. Each frame
        // carries its own trace context instead, and kv.apply joins the write's trace through it.
        if (Activity.Current is { } session)
        {
            session.IsAllDataRequested = false;
            session.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
            Activity.Current = null;
        }

        await applier.FollowHistoryAsync(logId, cancellationToken);

        http.Response.Headers[ReplicationStreamFormat.NodeHeader] = nodeName;
        await using var connection = await http.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        var frames = PipeReader.Create(connection, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var ack = new byte[ReplicationStreamFormat.AckSize];

        // The first acknowledgement is this replica's position: the leader streams from the entry after it.
        var applied = applier.DurableIndex;
        await WriteAckAsync(connection, ack, AckKind.Applied, applied, cancellationToken);

        try
        {
            await ReceiveAsync(applier, logId, logger, connection, frames, ack, applied, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // This node is stopping or the leader went away: closing the connection is the whole answer.
        }
    }

    private static async Task ReceiveAsync(ReplicaApplier applier, Guid logId, ILogger logger, Stream connection, PipeReader frames,
        byte[] ack, long applied, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await frames.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var received = false;
            try
            {
                while (ReplicationStreamFormat.TryReadFrame(ref buffer, out var frame))
                {
                    var (gap, index) = await ApplyFrameAsync(applier, logId, frame, cancellationToken);
                    applied = index;
                    received = true;
                    if (gap)
                    {
                        LogGap(logger, applied);
                        await WriteAckAsync(connection, ack, AckKind.Gap, applied, cancellationToken);
                        return;
                    }
                }
            }
            finally
            {
                frames.AdvanceTo(buffer.Start, buffer.End);
            }

            if (received)
                await WriteAckAsync(connection, ack, AckKind.Applied, applied, cancellationToken);
            if (read.IsCompleted)
                return;
        }
    }

    private static async Task<(bool Gap, long Applied)> ApplyFrameAsync(ReplicaApplier applier, Guid logId, ReadOnlySequence<byte> frame,
        CancellationToken cancellationToken)
    {
        byte[]? rented = null;
        ReadOnlyMemory<byte> bytes;
        if (frame.IsSingleSegment)
        {
            bytes = frame.First;
        }
        else
        {
            rented = ArrayPool<byte>.Shared.Rent((int)frame.Length);
            frame.CopyTo(rented);
            bytes = rented.AsMemory(0, (int)frame.Length);
        }

        try
        {
            if (ReplicationStreamFormat.ParseFrame(bytes) is not var (trace, records) ||
                LogRecordCodec.ReadAll(records.Span) is not { } entries)
            {
                throw new InvalidDataException("A replication frame is truncated or fails its checksum; nothing of it was applied.");
            }

            var (applied, gap) = await applier.ApplyAsync(logId, entries, cancellationToken, mayBeOvertaken: false, parent: trace);
            return (gap, applied);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static async ValueTask WriteAckAsync(Stream connection, byte[] ack, AckKind kind, long applied, CancellationToken cancellationToken)
    {
        ReplicationStreamFormat.WriteAck(ack, kind, applied);
        await connection.WriteAsync(ack, cancellationToken);
        await connection.FlushAsync(cancellationToken);
    }

    [LoggerMessage(Level = LogLevel.Information, Message = "A replication frame did not follow this replica's log (applied up to {Index}); asking the leader to resume from there")]
    private static partial void LogGap(ILogger logger, long index);
}
