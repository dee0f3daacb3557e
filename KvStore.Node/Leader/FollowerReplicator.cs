using System.Buffers;
using System.Diagnostics;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;
using KvStore.Node.Threading;
using Polly;
using Polly.Retry;

namespace KvStore.Node.Leader;

/// <summary>
/// Ships the leader's log to one follower over one long-lived stream (<see cref="ReplicationStreamFormat"/>).
/// Invariants: entries are cut in index order into frames of consecutive durable entries; each frame waits out its
/// own simulated lag, so a frame may overtake its predecessors (as independent messages would: a write's quorum
/// never waits for an earlier write's slower lag) and the follower puts them back in order; the stream starts from
/// the follower's own durable position (its first acknowledgement) and restarts from it after a gap or any failure;
/// a follower that needs entries no longer held gets a snapshot first. A slow or dead follower only ever delays
/// its own stream; one that stops acknowledging for <see cref="AckTimeout"/> has its stream torn down and reopened.
/// </summary>
internal sealed partial class FollowerReplicator : IAsyncDisposable
{
    // Longer than the largest lag plus applying a full frame with fsync; shorter than any sane quorum timeout.
    private static readonly TimeSpan AckTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SnapshotAttemptTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LaggingAfter = TimeSpan.FromSeconds(1);
    private static readonly TimeSpan FirstBackoff = TimeSpan.FromMilliseconds(20);
    private static readonly TimeSpan MaxBackoff = TimeSpan.FromSeconds(2);

    private readonly int _slot;
    private readonly FollowerEndpoint _endpoint;
    private readonly IReplicationLog _log;
    private readonly KeyValueState _state;
    private readonly QuorumTracker _quorum;
    private readonly ISimulatedLag _lag;
    private readonly NodeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FollowerClient _client;
    private readonly int _batchSize;
    private readonly int _maxUnacknowledged;
    private readonly int _pipelineDepth;
    private readonly ResiliencePipeline _sessions;
    private readonly ResiliencePipeline _snapshots;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    private int _disposed;
    private volatile bool _failing;
    private string? _lastError;
    private volatile string? _reportedName;
    private long _lastAckLatencyTicks = -1;
    private long _lastProgressTimestamp;

    // 1 while the sender has entries to cut but waits for acknowledgements to make room: only then does an
    // acknowledgement wake it (every other acknowledgement would wake it for nothing).
    private int _waitingForRoom;

    private readonly ReplicationSpans _spans;

    public FollowerReplicator(int slot, FollowerEndpoint endpoint, FollowerClient client, ReplicationSettings settings,
        IReplicationLog log, KeyValueState state, QuorumTracker quorum, ISimulatedLag lag, NodeMetrics metrics, TimeProvider time, ILogger logger)
    {
        _slot = slot;
        _endpoint = endpoint;
        _client = client;
        _batchSize = settings.BatchSize;
        _maxUnacknowledged = settings.BatchSize * settings.PipelineDepth;
        _pipelineDepth = settings.PipelineDepth;
        _log = log;
        _state = state;
        _quorum = quorum;
        _lag = lag;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _lastProgressTimestamp = time.GetTimestamp();
        _spans = new ReplicationSpans(() => Name);
        _sessions = Retrying().Build();
        _snapshots = Retrying().AddTimeout(SnapshotAttemptTimeout).Build();
        // The log wakes the sender whenever entries become durable; a wake-up while it is busy is kept for its next wait.
        log.OnDurable(_wake.Set);
    }

    /// <summary>
    /// Retries forever: every entry must reach every follower eventually; exponential backoff with jitter (20 ms to
    /// 2 s) keeps a dead one cheap. Anything but this replicator's own stop is retried: a follower dying mid-answer
    /// surfaces as an IOException, a refusal as ReplicationRejectedException, silence as a TimeoutException.
    /// </summary>
    private ResiliencePipelineBuilder Retrying() => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = FirstBackoff,
            MaxDelay = MaxBackoff,
            ShouldHandle = args => ValueTask.FromResult(
                args.Outcome.Exception is not null && !args.Context.CancellationToken.IsCancellationRequested),
            OnRetry = args =>
            {
                OnFailure(args.Outcome.Exception);
                return default;
            },
        });

    /// <summary>The follower's own NODE_NAME once it has answered; until then the name it is listed under.</summary>
    public string Name => _reportedName ?? _endpoint.Name;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    public FollowerStatus Status(long lastIndex)
    {
        var acked = _quorum.AckedBy(_slot);
        var lag = Math.Max(0, lastIndex - acked);
        var sinceProgress = _time.GetElapsedTime(Interlocked.Read(ref _lastProgressTimestamp));
        var state = _failing ? FollowerState.Unreachable
            : lag > 0 && (sinceProgress > LaggingAfter || lag > _maxUnacknowledged) ? FollowerState.Lagging
            : FollowerState.Healthy;
        var latencyTicks = Interlocked.Read(ref _lastAckLatencyTicks);
        return new FollowerStatus(
            Name,
            _endpoint.Url.ToString().TrimEnd('/'),
            acked,
            lag,
            state.ToString().ToLowerInvariant(),
            latencyTicks < 0 ? null : Math.Round(TimeSpan.FromTicks(latencyTicks).TotalMilliseconds, 3),
            _failing ? _lastError : null);
    }

    private async Task RunAsync(CancellationToken stopping)
    {
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                // A session returns after a gap or a snapshot: the next one starts from the follower's new position.
                await _sessions.ExecuteAsync(static (self, token) => new ValueTask(self.RunSessionAsync(token)), this, stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
        }
    }

    private async Task RunSessionAsync(CancellationToken stopping)
    {
        var opened = _time.GetTimestamp();
        using var session = await OpenAsync(stopping);
        var position = (await FirstAckAsync(session, stopping)).Last;
        Interlocked.Exchange(ref _lastAckLatencyTicks, _time.GetElapsedTime(opened).Ticks);
        OnAcknowledged(position, replicaLostState: true);
        if (position + 1 < _log.FirstIndex || position > _log.LastIndex)
        {
            session.Dispose();
            await InstallSnapshotAsync(stopping);
            return;
        }

        using var ending = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var unacknowledged = new FramesInFlight();
        var sending = SendAsync(session, position + 1, unacknowledged, ending.Token);
        var acknowledging = ReceiveAcksAsync(session, unacknowledged, ending.Token);
        var watching = WatchAsync(unacknowledged, ending.Token);
        var first = await Task.WhenAny(sending, acknowledging, watching);

        // Whichever ends first ends the session; the others see the cancellation or the closed connection.
        await ending.CancelAsync();
        session.Dispose();
        try
        {
            await Task.WhenAll(sending, acknowledging, watching);
        }
        catch (Exception)
        {
            // The first to end says why the session ended (below); the rest only saw it end.
        }
        finally
        {
            foreach (var frame in unacknowledged.Drain())
                frame.Span?.SetStatus(ActivityStatusCode.Error, "stream restarted").Stop();
        }

        await first;
    }

    private Task<ReplicationSession> OpenAsync(CancellationToken stopping) =>
        WithinAckTimeoutAsync(token => _client.OpenStreamAsync(_log.LogId, token), "answer the replication stream", stopping);

    private Task<StreamAck> FirstAckAsync(ReplicationSession session, CancellationToken stopping)
    {
        if (!string.IsNullOrEmpty(session.Node))
            _reportedName = session.Node;
        return WithinAckTimeoutAsync(
            async token =>
            {
                // Nothing has been sent yet: the follower's only acknowledgement so far is its position.
                var acks = new List<StreamAck>(1);
                return await session.ReadAcksAsync(acks, token) ? acks[^1]
                    : throw new IOException($"{Name} closed the replication stream before saying where it stands.");
            },
            "say where it stands", stopping);
    }

    /// <summary>Runs one step of opening a stream, turning "no answer within <see cref="AckTimeout"/>" into a TimeoutException.</summary>
    private async Task<T> WithinAckTimeoutAsync<T>(Func<CancellationToken, Task<T>> step, string what, CancellationToken stopping)
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        deadline.CancelAfter(AckTimeout);
        try
        {
            return await step(deadline.Token);
        }
        catch (OperationCanceledException) when (!stopping.IsCancellationRequested)
        {
            throw new TimeoutException($"{Name} did not {what} within {AckTimeout.TotalSeconds:0} s.");
        }
    }

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
        var message = NodeActivities.Source.HasListeners() ? _spans.Start(entries.AsSpan(0, count)) : null;
        var bytes = new ArrayBufferWriter<byte>(size + 32);
        var start = ReplicationStreamFormat.BeginFrame(bytes, message?.Context ?? default);
        foreach (var entry in entries.AsSpan(0, count))
            LogRecordCodec.Write(bytes, entry);
        ReplicationStreamFormat.EndFrame(bytes, start);

        var lag = _lag.Draw();
        var created = _time.GetTimestamp();
        var due = created + (long)(lag.TotalSeconds * _time.TimestampFrequency);
        message?.SetTag(NodeActivities.LagTag, Math.Round(lag.TotalMilliseconds, 3));
        return new SentFrame(bytes.WrittenMemory, next + count - 1, count, created, due, lag, message);
    }

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

    private async Task InstallSnapshotAsync(CancellationToken cancellationToken)
    {
        // The snapshot may include entries applied but not yet durable here; it must not leave before they are.
        var snapshot = _state.Snapshot();
        await _log.WaitDurableAsync(snapshot.AppliedIndex, cancellationToken);
        LogSendingSnapshot(_logger, Name, snapshot.AppliedIndex, snapshot.Items.Length);

        var ack = await _snapshots.ExecuteAsync(
            static (state, token) => new ValueTask<ReplicateResponse>(state.self._client.SendSnapshotAsync(state.self._log.LogId, state.snapshot, token)),
            (self: this, snapshot), cancellationToken);
        if (!string.IsNullOrEmpty(ack.Node))
            _reportedName = ack.Node;
        OnAcknowledged(ack.AppliedIndex, replicaLostState: true);
    }

    private void OnAcknowledged(long appliedIndex, bool replicaLostState, TimeSpan lag = default)
    {
        if (_failing)
        {
            _failing = false;
            LogReachable(_logger, Name, appliedIndex);
        }

        Interlocked.Exchange(ref _lastProgressTimestamp, _time.GetTimestamp());
        _quorum.Acknowledge(_slot, appliedIndex, replicaLostState);
        _spans.Acknowledged(appliedIndex, lag);
    }

    private void OnFailure(Exception? error)
    {
        _lastError = error?.Message;
        if (!_failing)
        {
            _failing = true;
            LogUnreachable(_logger, Name, _endpoint.Url, error?.Message);
        }
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped by the host (StopAsync) and disposed by the container: only the first call does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync();
        await _loop;
        _spans.Abandon("leader stopped before the follower acknowledged");

        _client.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follower {Follower} ({Url}) unreachable: {Error}; retrying with backoff")]
    private static partial void LogUnreachable(ILogger logger, string follower, Uri url, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} reachable again, applied up to {Index}")]
    private static partial void LogReachable(ILogger logger, string follower, long index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} is at index {Index}; restarting its stream from there")]
    private static partial void LogCatchingUp(ILogger logger, string follower, long index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} needs entries no longer held; sending a snapshot at index {Index} ({Keys} keys)")]
    private static partial void LogSendingSnapshot(ILogger logger, string follower, long index, int keys);
}
