using System.Buffers;
using System.Diagnostics;
using System.IO.Pipelines;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using Microsoft.AspNetCore.Http.Features;

namespace KvStore.Node.Follower;

/// <summary>
/// The follower's end of the leader's replication stream (<see cref="ReplicationStreamFormat"/>). Invariants: entries
/// are applied strictly in log order; a frame that arrives ahead of this replica's log (its lag was shorter than a
/// predecessor's) waits in memory until its predecessors arrive; an acknowledgement names only entries held as
/// durably as this replica's log keeps them, so a frame held ahead is acknowledged on arrival (<see cref="AckKind.Held"/>)
/// only when the log is in memory anyway, and otherwise once applied; a frame that overlaps what is applied but
/// does not follow it ends the stream with a gap acknowledgement naming where this replica really is. Every frame
/// one socket read brought is appended and applied first, then the log is made durable once (one fsync under
/// FSYNC=always) and one cumulative acknowledgement covers them all, in the same write as any held ones.
/// </summary>
public static partial class ReplicationStreamReceiver
{
    /// <summary>True when the request asks to turn its connection into the replication stream.</summary>
    public static bool IsStreamRequest(HttpContext http) =>
        http.Features.Get<IHttpUpgradeFeature>() is { IsUpgradableRequest: true } &&
        string.Equals(http.Request.Headers.Upgrade, ReplicationStreamFormat.UpgradeToken, StringComparison.OrdinalIgnoreCase);

    public static async Task RunAsync(HttpContext http, ReplicaApplier applier, Guid logId, long epoch, string nodeName, string? advertisedUrl,
        ILogger logger, CancellationToken cancellationToken)
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
        if (advertisedUrl is not null)
            http.Response.Headers[ReplicationStreamFormat.AdvertisedUrlHeader] = advertisedUrl;
        await using var connection = await http.Features.Get<IHttpUpgradeFeature>()!.UpgradeAsync();
        var frames = PipeReader.Create(connection, new StreamPipeReaderOptions(bufferSize: 64 * 1024, leaveOpen: true));
        var acks = new ArrayBufferWriter<byte>(ReplicationStreamFormat.AckSize * 64);

        // The first acknowledgement is this replica's position: the leader streams from the entry after it.
        var applied = applier.DurableIndex;
        Add(acks, StreamAck.Applied(applied));
        await FlushAcksAsync(connection, acks, cancellationToken);

        try
        {
            await ReceiveAsync(applier, logId, epoch, logger, connection, frames, acks, applied, cancellationToken);
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            // This node is stopping or the leader went away: closing the connection is the whole answer.
        }
        catch (Failover.StaleEpochException e)
        {
            // A newer leader (or its candidate) reached this node while the stream was open: the old one is fenced off.
            // The leader's next attempt is refused with the newer epoch, which deposes it.
            LogStaleEpoch(logger, e.Epoch, e.Known);
        }
        catch (InvalidDataException e)
        {
            // Nothing of a refused frame was applied; the leader reopens the stream from what is applied here.
            LogRefusedFrame(logger, e.Message);
        }
    }

    private static async Task ReceiveAsync(ReplicaApplier applier, Guid logId, long epoch, ILogger logger, Stream connection, PipeReader frames,
        ArrayBufferWriter<byte> acks, long applied, CancellationToken cancellationToken)
    {
        // Frames ahead of the log, by first index. The leader bounds how far it runs ahead of what is applied here,
        // which bounds this too; they are dropped with the stream (the next one restarts from what is applied).
        var ahead = new SortedDictionary<long, ReceivedFrame>();
        var holdAhead = !applier.SurvivesRestart;
        while (true)
        {
            var read = await frames.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var advanced = false;
            try
            {
                while (ReplicationStreamFormat.TryReadFrame(ref buffer, out var bytes))
                {
                    var frame = Parse(bytes, keepRecords: !holdAhead);
                    if (frame.First > applied + 1)
                    {
                        if (ahead.TryAdd(frame.First, frame) && holdAhead)
                            Add(acks, StreamAck.Held(frame.First, frame.Last));
                        continue;
                    }

                    // This frame and then every held one it lets through, in log order.
                    for (var next = frame; next is not null; next = TakeFollowing(ahead, applied))
                    {
                        if (next.Last <= applied)
                            continue;
                        var (index, gap) = await applier.AppendAsync(logId, epoch, next.Entries, cancellationToken, mayBeOvertaken: false, parent: next.Trace);
                        applied = index;
                        advanced = true;
                        if (gap)
                        {
                            // The leader counts a gap acknowledgement as applied up to its index: durable first.
                            await applier.WaitDurableAsync(applied, cancellationToken);
                            LogGap(logger, applied);
                            Add(acks, StreamAck.Gap(applied));
                            await FlushAcksAsync(connection, acks, cancellationToken);
                            return;
                        }
                    }
                }
            }
            finally
            {
                frames.AdvanceTo(buffer.Start, buffer.End);
            }

            if (advanced)
            {
                await applier.WaitDurableAsync(applied, cancellationToken);
                Add(acks, StreamAck.Applied(applied));
            }
            if (acks.WrittenCount > 0)
                await FlushAcksAsync(connection, acks, cancellationToken);
            if (read.IsCompleted)
                return;
        }
    }

    /// <summary>The held frame that starts at or before <paramref name="applied"/> + 1, taken out; null when the next entry has not arrived.</summary>
    private static ReceivedFrame? TakeFollowing(SortedDictionary<long, ReceivedFrame> ahead, long applied)
    {
        if (ahead.Count == 0)
            return null;
        var (first, frame) = ahead.First();
        if (first > applied + 1)
            return null;
        ahead.Remove(first);
        return frame;
    }

    private static ReceivedFrame Parse(ReadOnlySequence<byte> frame, bool keepRecords)
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
            // Entries copy what they keep, so a frame held ahead does not pin the socket's buffer. A log that survives
            // restarts keeps each record's bytes as received (checked by their CRC32C) and writes them verbatim.
            if (ReplicationStreamFormat.ParseFrame(bytes) is not var (trace, records) ||
                LogRecordCodec.ReadAll(records.Span, keepRecords) is not { Count: > 0 } entries)
            {
                throw new InvalidDataException("A replication frame is truncated, empty or fails its checksum; nothing of it was applied.");
            }

            return new ReceivedFrame(entries, trace);
        }
        finally
        {
            if (rented is not null)
                ArrayPool<byte>.Shared.Return(rented);
        }
    }

    private static void Add(ArrayBufferWriter<byte> acks, StreamAck ack)
    {
        ReplicationStreamFormat.WriteAck(acks.GetSpan(ReplicationStreamFormat.AckSize), ack);
        acks.Advance(ReplicationStreamFormat.AckSize);
    }

    private static async ValueTask FlushAcksAsync(Stream connection, ArrayBufferWriter<byte> acks, CancellationToken cancellationToken)
    {
        await connection.WriteAsync(acks.WrittenMemory, cancellationToken);
        await connection.FlushAsync(cancellationToken);
        acks.ResetWrittenCount();
    }

    private sealed record ReceivedFrame(List<LogEntry> Entries, ActivityContext Trace)
    {
        public long First => Entries[0].Index;

        public long Last => Entries[^1].Index;
    }

    [LoggerMessage(EventId = 40, Level = LogLevel.Warning, Message = "Closing the replication stream: {Reason}")]
    private static partial void LogRefusedFrame(ILogger logger, string reason);

    [LoggerMessage(EventId = 41, Level = LogLevel.Warning, Message = "Closing the replication stream of epoch {Epoch}: this node knows epoch {Known}")]
    private static partial void LogStaleEpoch(ILogger logger, long epoch, long known);

    [LoggerMessage(EventId = 42, Level = LogLevel.Information, Message = "A replication frame did not follow this replica's log (applied up to {Index}); asking the leader to resume from there")]
    private static partial void LogGap(ILogger logger, long index);
}
