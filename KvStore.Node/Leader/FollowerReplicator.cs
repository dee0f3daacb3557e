using System.Buffers;
using System.Diagnostics;
using KvStore.Node.Leader.Quorum;
using KvStore.Node.Replication;
using KvStore.Node.SimulatedLag;
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
            catch (Exception) when (stopping.IsCancellationRequested)
            {
                // Stopping: whatever the last attempt failed with (cancelled, or refused by a follower that is stopping
                // too, which the retry no longer handles once stopping) ends the loop; the leader's shutdown must not throw.
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

    [LoggerMessage(EventId = 20, Level = LogLevel.Warning, Message = "Follower {Follower} ({Url}) unreachable: {Error}; retrying with backoff")]
    private static partial void LogUnreachable(ILogger logger, string follower, Uri url, string? error);

    [LoggerMessage(EventId = 21, Level = LogLevel.Information, Message = "Follower {Follower} reachable again, applied up to {Index}")]
    private static partial void LogReachable(ILogger logger, string follower, long index);

    [LoggerMessage(EventId = 22, Level = LogLevel.Information, Message = "Follower {Follower} is at index {Index}; restarting its stream from there")]
    private static partial void LogCatchingUp(ILogger logger, string follower, long index);

    [LoggerMessage(EventId = 23, Level = LogLevel.Information, Message = "Follower {Follower} needs entries no longer held; sending a snapshot at index {Index} ({Keys} keys)")]
    private static partial void LogSendingSnapshot(ILogger logger, string follower, long index, int keys);
}
