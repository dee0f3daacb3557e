using System.Buffers;
using System.Diagnostics;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Leader;

/// <summary>Cutting durable entries into frames and writing each once its own lag has passed: the lag scheduler.</summary>
internal sealed partial class FollowerReplicator
{
    /// <summary>
    /// Cuts durable entries into frames, each due after its own lag, and writes every due frame in order, several
    /// per write when they are due together. At most <see cref="_maxUnacknowledged"/> entries are unacknowledged.
    /// </summary>
    private async Task SendAsync(ReplicationSession session, long next, FramesInFlight unacknowledged, CancellationToken ending)
    {
        var entries = new LogEntry[_batchSize];
        // Frames waiting out their lag, the earliest due first (in index order when due together, as with lag off).
        var lagging = new PriorityQueue<SentFrame, (long Due, long LastIndex)>();
        var output = new ArrayBufferWriter<byte>(64 * 1024);
        Task? headDue = null;
        var headDueAt = long.MaxValue;
        Task? woken = null;
        while (true)
        {
            ending.ThrowIfCancellationRequested();
            // With lag on, entries are cut as soon as they are durable, so each frame's lag runs from then (frames
            // waiting out their lag are not on the wire yet). With lag off, cutting waits while REPLICATION_PIPELINE
            // frames are unacknowledged: entries arriving meanwhile go out together, one frame and one write.
            while (next <= _log.DurableIndex && HasRoom(next, unacknowledged))
            {
                var frame = Cut(next, entries);
                next = frame.LastIndex + 1;
                lagging.Enqueue(frame, (frame.Due, frame.LastIndex));
                unacknowledged.Add(frame);
            }

            // Dekker-style with ReceiveAcksAsync: announce the wait, then look again, so no acknowledgement slips between.
            if (next <= _log.DurableIndex)
            {
                Interlocked.Exchange(ref _waitingForRoom, 1);
                if (HasRoom(next, unacknowledged))
                    continue;
            }

            var now = _time.GetTimestamp();
            if (lagging.TryPeek(out var head, out _) && head.Due <= now)
            {
                output.ResetWrittenCount();
                while (lagging.TryPeek(out head, out _) && head.Due <= now)
                    output.Write(lagging.Dequeue().Bytes.Span);
                headDue = null;
                await session.WriteAsync(output.WrittenMemory, ending);
                continue;
            }

            // One wait for the signal at a time: a wake-up that lands while the head's lag runs must not be lost.
            woken ??= _wake.WaitAsync(ending);
            if (lagging.Count > 0)
            {
                // A frame cut since may be due before the one the timer was set for: frames overtake each other.
                if (headDue is { IsCompleted: true } || head!.Due < headDueAt)
                    headDue = null;
                if (headDue is null)
                {
                    headDueAt = head!.Due;
                    headDue = _lag.DelayAsync(_time.GetElapsedTime(now, head.Due), _slot, ending);
                }

                if (await Task.WhenAny(headDue, woken) != woken)
                    continue;
            }

            await woken;
            woken = null;
        }
    }

    private bool HasRoom(long next, FramesInFlight unacknowledged) =>
        (_lag.Enabled || unacknowledged.Count < _pipelineDepth) && next - 1 - _quorum.AckedBy(_slot) < _maxUnacknowledged;

    /// <summary>One frame of consecutive entries from <paramref name="next"/>, with its lag drawn and its spans opened.</summary>
    private SentFrame Cut(long next, LogEntry[] entries)
    {
        var read = _log.Read(next, entries);
        var count = 0;
        var size = 0;
        while (count < read && size + LogRecordCodec.SizeOf(entries[count]) <= ReplicationStreamFormat.MaxRecordBytes)
            size += LogRecordCodec.SizeOf(entries[count++]);

        // Unreachable while MAX_VALUE_BYTES is validated against the frame limit; a follower would refuse the frame.
        if (count == 0)
        {
            throw new InvalidOperationException(
                $"Entry {next} takes {LogRecordCodec.SizeOf(entries[0])} bytes, more than a replication frame carries ({ReplicationStreamFormat.MaxRecordBytes}).");
        }

        // The header carries the frame's span, so the follower's kv.apply joins the traces of the writes it holds.
        ActivityContext header = default;
        var message = NodeActivities.Source.HasListeners() ? _spans.Start(entries.AsSpan(0, count), out header) : null;
        var bytes = new ArrayBufferWriter<byte>(size + 32);
        var start = ReplicationStreamFormat.BeginFrame(bytes, header);
        foreach (var entry in entries.AsSpan(0, count))
            LogRecordCodec.Write(bytes, entry);
        ReplicationStreamFormat.EndFrame(bytes, start);

        var lag = _lag.Draw();
        var created = _time.GetTimestamp();
        var due = created + (long)(lag.TotalSeconds * _time.TimestampFrequency);
        message?.SetTag(NodeActivities.LagTag, Math.Round(lag.TotalMilliseconds, 3));
        return new SentFrame(bytes.WrittenMemory, next + count - 1, count, created, due, lag, message);
    }
}
