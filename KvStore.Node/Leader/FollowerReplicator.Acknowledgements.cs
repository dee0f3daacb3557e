using KvStore.Node.Replication;

namespace KvStore.Node.Leader;

/// <summary>Reading the follower's acknowledgements (applied, held, gap) and the watchdog that ends a silent stream.</summary>
internal sealed partial class FollowerReplicator
{
    private async Task ReceiveAcksAsync(ReplicationSession session, FramesInFlight unacknowledged, CancellationToken ending)
    {
        var acks = new List<StreamAck>();
        var arrived = new List<SentFrame>();
        while (true)
        {
            acks.Clear();
            if (!await session.ReadAcksAsync(acks, ending))
                throw new IOException($"{Name} closed the replication stream.");
            var now = _time.GetTimestamp();
            foreach (var ack in acks)
            {
                if (ack.Kind == AckKind.Held)
                {
                    arrived.Clear();
                    unacknowledged.FindWithin(ack.First, ack.Last, arrived);
                    _quorum.Hold(_slot, ack.First, ack.Last);
                    _spans.Held(ack.First, ack.Last, Arrived(arrived, now));
                    continue;
                }

                arrived.Clear();
                unacknowledged.RemoveUpTo(ack.Last, arrived);
                OnAcknowledged(ack.Last, replicaLostState: ack.Kind == AckKind.Gap, Arrived(arrived, now));
                if (ack.Kind == AckKind.Gap)
                {
                    LogCatchingUp(_logger, Name, ack.Last);
                    return;
                }
            }

            // Room under the unacknowledged bound, if the sender was waiting for it.
            if (Interlocked.CompareExchange(ref _waitingForRoom, 0, 1) == 1)
                _wake.Set();
        }
    }

    /// <summary>
    /// The follower has <paramref name="frames"/> (held or applied): each one's latency is measured once. Returns the
    /// newest one's lag, for the spans of the writes they carried.
    /// </summary>
    private TimeSpan Arrived(List<SentFrame> frames, long now)
    {
        foreach (var frame in frames)
        {
            if (frame.Arrived)
                continue;
            frame.Arrived = true;
            var latency = _time.GetElapsedTime(frame.Created, now);
            _metrics.Acknowledged(Name, latency, frame.Count, frame.Bytes.Length);
            Interlocked.Exchange(ref _lastAckLatencyTicks, latency.Ticks);
            frame.Span?.Stop();
        }

        return frames.Count > 0 ? frames[^1].Lag : TimeSpan.Zero;
    }

    /// <summary>Ends the session when the oldest unacknowledged frame has waited longer than its lag plus <see cref="AckTimeout"/>.</summary>
    private async Task WatchAsync(FramesInFlight unacknowledged, CancellationToken ending)
    {
        while (true)
        {
            await Task.Delay(AckTimeout / 8, _time, ending);
            if (unacknowledged.Oldest() is { } oldest && _time.GetElapsedTime(oldest.Created) > oldest.Lag + AckTimeout)
                throw new TimeoutException($"{Name} acknowledged nothing for {AckTimeout.TotalSeconds:0} s with entries {oldest.FirstIndex}.. outstanding.");
        }
    }
}
