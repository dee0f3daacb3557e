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
/// Ships the leader's log to one follower as one ordered stream: batches of consecutive durable entries,
/// several messages in flight, each preceded by its own simulated lag. Invariants: entries leave in index
/// order; the follower applies them in index order (it briefly waits for a predecessor still in flight);
/// the stream starts from the follower's own applied index (asked with an empty probe), restarts from it
/// after a gap or failure, and falls back to a snapshot when the leader no longer holds the entries the
/// follower needs. A slow or dead follower only ever delays its own stream.
/// </summary>
internal sealed partial class FollowerReplicator : IAsyncDisposable
{
    // Longer than lag + the follower's reorder wait + applying a full batch; shorter than any sane quorum timeout.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan SnapshotAttemptTimeout = TimeSpan.FromMinutes(5);
    private static readonly TimeSpan LaggingAfter = TimeSpan.FromSeconds(1);
    private const int MaxMessageBytes = 4 * 1024 * 1024;
    private const long Unknown = -1;
    private const long NoReset = long.MinValue;

    private readonly int _slot;
    private readonly FollowerEndpoint _endpoint;
    private readonly IReplicationLog _log;
    private readonly KeyValueState _state;
    private readonly QuorumTracker _quorum;
    private readonly NodeMetrics _metrics;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly FollowerClient _client;
    private readonly int _batchSize;
    private readonly int _pipelineDepth;
    private readonly ResiliencePipeline _messages;
    private readonly ResiliencePipeline _snapshots;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    private int _inFlight;
    private int _disposed;
    private long _resetTo = NoReset;
    private volatile bool _failing;
    private string? _lastError;
    private volatile string? _reportedName;
    private long _lastAckLatencyTicks = -1;
    private long _lastProgressTimestamp;

    // One kv.replicate span per traced write, from the moment its entry is first sent until this follower has it.
    private readonly Lock _spanGate = new();
    private readonly Queue<(long Index, Activity Span)> _openSpans = new();
    private long _lastTracedIndex;

    public FollowerReplicator(int slot, FollowerEndpoint endpoint, FollowerClient client, ReplicationSettings settings,
        IReplicationLog log, KeyValueState state, QuorumTracker quorum, NodeMetrics metrics, TimeProvider time, ILogger logger)
    {
        _slot = slot;
        _endpoint = endpoint;
        _client = client;
        _batchSize = settings.BatchSize;
        _pipelineDepth = settings.PipelineDepth;
        _log = log;
        _state = state;
        _quorum = quorum;
        _metrics = metrics;
        _time = time;
        _logger = logger;
        _lastProgressTimestamp = time.GetTimestamp();
        _messages = Resilience(AttemptTimeout);
        _snapshots = Resilience(SnapshotAttemptTimeout);
    }

    /// <summary>The follower's own NODE_NAME once it has answered; until then the name it is listed under.</summary>
    public string Name => _reportedName ?? _endpoint.Name;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>New durable entries are in the log.</summary>
    public void Notify() => _wake.Set();

    public FollowerStatus Status(long lastIndex)
    {
        var acked = _quorum.AckedBy(_slot);
        var lag = Math.Max(0, lastIndex - acked);
        var sinceProgress = _time.GetElapsedTime(Interlocked.Read(ref _lastProgressTimestamp));
        var state = _failing ? FollowerState.Unreachable
            : lag > 0 && (sinceProgress > LaggingAfter || lag > (long)_batchSize * _pipelineDepth) ? FollowerState.Lagging
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
        var buffer = new LogEntry[_batchSize];
        var generation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
        var nextIndex = Unknown;
        while (!stopping.IsCancellationRequested)
        {
            try
            {
                var resetTo = Interlocked.Exchange(ref _resetTo, NoReset);
                if (resetTo != NoReset)
                {
                    // Messages of the old stream are abandoned: the follower told us where it really is.
                    await generation.CancelAsync();
                    generation.Dispose();
                    generation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                    nextIndex = resetTo == Unknown ? Unknown : resetTo + 1;
                }

                if (nextIndex == Unknown)
                    nextIndex = await ProbeAsync(generation.Token) + 1;
                if (nextIndex < _log.FirstIndex || nextIndex > _log.LastIndex + 1)
                    nextIndex = await InstallSnapshotAsync(generation.Token) + 1;

                while (Volatile.Read(ref _inFlight) < _pipelineDepth && nextIndex <= _log.DurableIndex)
                {
                    var (body, count) = Encode(buffer.AsSpan(0, _log.Read(nextIndex, buffer)));
                    var trace = NodeActivities.Source.HasListeners() ? StartSpans(buffer.AsSpan(0, count)) : default;
                    nextIndex += count;
                    Interlocked.Increment(ref _inFlight);
                    _ = SendAsync(new Message(body, count, trace), generation.Token);
                }

                await _wake.WaitAsync(stopping);
            }
            catch (OperationCanceledException) when (stopping.IsCancellationRequested)
            {
                break;
            }
            catch (OperationCanceledException)
            {
                // A reset cancelled the probe or snapshot of the old stream; the next turn applies it.
            }
            catch (ArgumentOutOfRangeException)
            {
                // The entries were released while we read them: catch up by snapshot instead.
                nextIndex = 0;
            }
            catch (Exception e)
            {
                // The stream must outlive any surprise: start over from the follower's own position.
                OnFailure(e);
                LogStreamRestarted(_logger, e, Name);
                nextIndex = Unknown;
                await Task.Delay(TimeSpan.FromSeconds(1), _time, CancellationToken.None);
            }
        }

        generation.Dispose();
    }

    /// <summary>Encodes up to <see cref="MaxMessageBytes"/> (at least one entry); returns the bytes and how many entries they hold.</summary>
    private static (byte[] Body, int Count) Encode(ReadOnlySpan<LogEntry> entries)
    {
        var writer = new ArrayBufferWriter<byte>(Math.Min(entries.Length * 64, MaxMessageBytes));
        var count = 0;
        while (count < entries.Length && (count == 0 || writer.WrittenCount < MaxMessageBytes))
            LogRecordCodec.Write(writer, entries[count++]);
        return (writer.WrittenSpan.ToArray(), count);
    }

    private async Task<long> ProbeAsync(CancellationToken cancellationToken)
    {
        var ack = await _messages.ExecuteAsync(
            static (self, token) => new ValueTask<Acknowledgement>(self._client.SendEntriesAsync(self._log.LogId, [], default, token)),
            this, cancellationToken);
        OnAcknowledged(ack with { Gap = false }, replicaLostState: true);
        return ack.AppliedIndex;
    }

    private async Task<long> InstallSnapshotAsync(CancellationToken cancellationToken)
    {
        // The snapshot may include entries applied but not yet durable here; it must not leave before they are.
        var snapshot = _state.Snapshot();
        await _log.WaitDurableAsync(snapshot.AppliedIndex, cancellationToken);
        LogSendingSnapshot(_logger, Name, snapshot.AppliedIndex, snapshot.Items.Length);

        var ack = await _snapshots.ExecuteAsync(
            static (state, token) => new ValueTask<Acknowledgement>(state.self._client.SendSnapshotAsync(state.self._log.LogId, state.snapshot, token)),
            (self: this, snapshot), cancellationToken);
        OnAcknowledged(ack with { Gap = false }, replicaLostState: true);
        return ack.AppliedIndex;
    }

    private async Task SendAsync(Message message, CancellationToken generation)
    {
        try
        {
            var ack = await _messages.ExecuteAsync(
                static (state, token) => new ValueTask<Acknowledgement>(
                    state.self._client.SendEntriesAsync(state.self._log.LogId, state.message.Body, state.message.Trace, token)),
                (self: this, message),
                generation);

            // A gap answer carries the follower's true position, lower than we thought if it lost its state.
            OnAcknowledged(ack, replicaLostState: ack.Gap);
            if (!ack.Gap)
                _metrics.Acknowledged(Name, ack.Latency, message.Count, message.Body.Length);
            if (ack.Gap && !generation.IsCancellationRequested)
            {
                LogCatchingUp(_logger, Name, ack.AppliedIndex);
                RequestReset(ack.AppliedIndex);
            }
        }
        catch (OperationCanceledException) when (generation.IsCancellationRequested)
        {
            // The stream was restarted or the leader is stopping; the entries are resent or moot.
        }
        catch (Exception e)
        {
            // Never drop a message silently: its entries would be missing until some later write exposed the gap.
            OnFailure(e);
            LogStreamRestarted(_logger, e, Name);
            if (!generation.IsCancellationRequested)
                RequestReset(Unknown);
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _wake.Set();
        }
    }

    private void OnAcknowledged(Acknowledgement ack, bool replicaLostState)
    {
        if (!string.IsNullOrEmpty(ack.Node))
            _reportedName = ack.Node;
        if (_failing)
        {
            _failing = false;
            LogReachable(_logger, Name, ack.AppliedIndex);
        }

        Interlocked.Exchange(ref _lastAckLatencyTicks, ack.Latency.Ticks);
        Interlocked.Exchange(ref _lastProgressTimestamp, _time.GetTimestamp());
        _quorum.Acknowledge(_slot, ack.AppliedIndex, replicaLostState);
        EndSpans(ack.AppliedIndex, ack.Lag);
    }

    /// <summary>Opens a kv.replicate span for each traced write in a message (once, however often it is resent).</summary>
    private MessageTrace StartSpans(ReadOnlySpan<LogEntry> entries)
    {
        ActivityContext parent = default;
        List<ActivityLink>? links = null;
        lock (_spanGate)
        {
            foreach (var entry in entries)
            {
                if (entry.Trace == default || entry.Index <= _lastTracedIndex)
                    continue;
                _lastTracedIndex = entry.Index;
                var span = NodeActivities.Source.StartActivity(NodeActivities.Replicate, ActivityKind.Internal, entry.Trace);
                if (span is null)
                    continue;
                span.SetTag(NodeActivities.FollowerTag, Name);
                span.SetTag(NodeActivities.LogIndexTag, entry.Index);
                span.SetTag(NodeActivities.BatchSizeTag, entries.Length);
                _openSpans.Enqueue((entry.Index, span));
                if (parent == default)
                    parent = span.Context;
                else if ((links ??= []).Count < 64)
                    links.Add(new ActivityLink(span.Context));
            }
        }

        // Started on the replicator's loop, not inside any request: none of them may stay Current.
        Activity.Current = null;
        return new MessageTrace(parent, links, entries.Length);
    }

    private void EndSpans(long appliedIndex, TimeSpan lag)
    {
        lock (_spanGate)
        {
            while (_openSpans.TryPeek(out var open) && open.Index <= appliedIndex)
            {
                _openSpans.Dequeue();
                open.Span.SetTag(NodeActivities.LagTag, Math.Round(lag.TotalMilliseconds, 3));
                open.Span.Stop();
            }
        }
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

    private void RequestReset(long appliedIndex)
    {
        Interlocked.Exchange(ref _resetTo, appliedIndex);
        _wake.Set();
    }

    private ResiliencePipeline Resilience(TimeSpan attemptTimeout) => new ResiliencePipelineBuilder()
        .AddRetry(new RetryStrategyOptions
        {
            // Retry forever: an entry must reach every follower eventually; backoff keeps a dead one cheap.
            MaxRetryAttempts = int.MaxValue,
            BackoffType = DelayBackoffType.Exponential,
            UseJitter = true,
            Delay = TimeSpan.FromMilliseconds(20),
            MaxDelay = TimeSpan.FromSeconds(2),
            // Anything but our own cancellation: a follower dying mid-response surfaces as HttpIOException,
            // a refusal as ReplicationRejectedException, a hang as TimeoutRejectedException.
            ShouldHandle = new PredicateBuilder().Handle<Exception>(e => e is not OperationCanceledException),
            OnRetry = args =>
            {
                OnFailure(args.Outcome.Exception);
                return default;
            },
        })
        .AddTimeout(attemptTimeout)
        .Build();

    public async ValueTask DisposeAsync()
    {
        // Stopped by the host (StopAsync) and disposed by the container: only the first call does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync();
        await _loop;
        lock (_spanGate)
        {
            foreach (var (_, span) in _openSpans)
                span.SetStatus(ActivityStatusCode.Error, "leader stopped before the follower acknowledged").Stop();
            _openSpans.Clear();
        }

        _client.Dispose();
        _stopping.Dispose();
    }

    private readonly record struct Message(byte[] Body, int Count, MessageTrace Trace);

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follower {Follower} ({Url}) unreachable: {Error}; retrying with backoff")]
    private static partial void LogUnreachable(ILogger logger, string follower, Uri url, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} reachable again, applied up to {Index}")]
    private static partial void LogReachable(ILogger logger, string follower, long index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} is at index {Index}; restarting its stream from there")]
    private static partial void LogCatchingUp(ILogger logger, string follower, long index);

    [LoggerMessage(Level = LogLevel.Error, Message = "Replication to {Follower} failed unexpectedly; restarting its stream from the follower's position")]
    private static partial void LogStreamRestarted(ILogger logger, Exception error, string follower);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} needs entries no longer held; sending a snapshot at index {Index} ({Keys} keys)")]
    private static partial void LogSendingSnapshot(ILogger logger, string follower, long index, int keys);
}
