using System.Buffers;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using Polly;
using Polly.Retry;
using Polly.Timeout;

namespace KvStore.Node.Leader;

/// <summary>
/// Ships the leader's log to one follower as one ordered stream: batches of consecutive entries, several
/// messages in flight, each preceded by its own simulated lag. Invariants: entries leave in index order;
/// the follower applies them in index order (it briefly waits for a predecessor that is still in flight);
/// after a gap or a failure the stream restarts from the follower's own applied index. A slow or dead
/// follower only ever delays its own stream, never the write path or the other followers.
/// </summary>
internal sealed partial class FollowerReplicator : IAsyncDisposable
{
    // Longer than lag + the follower's reorder wait + applying a full batch; shorter than any sane quorum timeout.
    private static readonly TimeSpan AttemptTimeout = TimeSpan.FromSeconds(2);
    private static readonly TimeSpan LaggingAfter = TimeSpan.FromSeconds(1);

    private readonly int _slot;
    private readonly FollowerEndpoint _endpoint;
    private readonly IReplicationLog _log;
    private readonly QuorumTracker _quorum;
    private readonly ISimulatedLag _lag;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;
    private readonly HttpClient _http;
    private readonly Uri _replicateUri;
    private readonly string _token;
    private readonly int _batchSize;
    private readonly int _pipelineDepth;
    private readonly ResiliencePipeline _resilience;
    private readonly AsyncSignal _wake = new();
    private readonly CancellationTokenSource _stopping = new();
    private Task _loop = Task.CompletedTask;

    private int _inFlight;
    private int _disposed;
    private long _resetTo = -1;
    private volatile bool _failing;
    private string? _lastError;
    private long _lastAckLatencyTicks = -1;
    private long _lastProgressTimestamp;

    public FollowerReplicator(
        int slot,
        FollowerEndpoint endpoint,
        string token,
        int batchSize,
        int pipelineDepth,
        IReplicationLog log,
        QuorumTracker quorum,
        ISimulatedLag lag,
        TimeProvider time,
        ILogger logger)
    {
        _slot = slot;
        _endpoint = endpoint;
        _token = token;
        _batchSize = batchSize;
        _pipelineDepth = pipelineDepth;
        _log = log;
        _quorum = quorum;
        _lag = lag;
        _time = time;
        _logger = logger;
        _replicateUri = new Uri(endpoint.Url, ReplicationProtocol.Path);
        _lastProgressTimestamp = time.GetTimestamp();

        // One long-lived keep-alive connection per in-flight message; no proxy between replicas.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = pipelineDepth,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        })
        { Timeout = Timeout.InfiniteTimeSpan };

        _resilience = new ResiliencePipelineBuilder()
            .AddRetry(new RetryStrategyOptions
            {
                // Retry forever: an entry must reach every follower eventually; backoff keeps a dead one cheap.
                MaxRetryAttempts = int.MaxValue,
                BackoffType = DelayBackoffType.Exponential,
                UseJitter = true,
                Delay = TimeSpan.FromMilliseconds(20),
                MaxDelay = TimeSpan.FromSeconds(2),
                ShouldHandle = new PredicateBuilder()
                    .Handle<HttpRequestException>()
                    .Handle<TimeoutRejectedException>()
                    .Handle<ReplicationRejectedException>()
                    .Handle<System.Text.Json.JsonException>(),
                OnRetry = args =>
                {
                    OnFailure(args.Outcome.Exception);
                    return default;
                },
            })
            .AddTimeout(AttemptTimeout)
            .Build();
    }

    public string Name => _endpoint.Name;

    public void Start() => _loop = Task.Run(() => RunAsync(_stopping.Token));

    /// <summary>New entries were appended.</summary>
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
            _endpoint.Name,
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
        long nextIndex = 1;
        while (!stopping.IsCancellationRequested)
        {
            var resetTo = Interlocked.Exchange(ref _resetTo, -1);
            if (resetTo >= 0)
            {
                // Messages of the old stream are abandoned: the follower told us where it really is.
                await generation.CancelAsync();
                generation.Dispose();
                generation = CancellationTokenSource.CreateLinkedTokenSource(stopping);
                nextIndex = resetTo + 1;
            }

            while (Volatile.Read(ref _inFlight) < _pipelineDepth && nextIndex <= _log.LastIndex)
            {
                var count = _log.Read(nextIndex, buffer);
                var body = Encode(buffer.AsSpan(0, count));
                nextIndex += count;
                Interlocked.Increment(ref _inFlight);
                _ = SendAsync(body, generation.Token);
            }

            try
            {
                await _wake.WaitAsync(stopping);
            }
            catch (OperationCanceledException)
            {
                break;
            }
        }

        generation.Dispose();
    }

    private static byte[] Encode(ReadOnlySpan<LogEntry> entries)
    {
        var writer = new ArrayBufferWriter<byte>(entries.Length * 64);
        foreach (var entry in entries)
            LogRecordCodec.Write(writer, entry);
        return writer.WrittenSpan.ToArray();
    }

    private async Task SendAsync(byte[] body, CancellationToken generation)
    {
        try
        {
            var ack = await _resilience.ExecuteAsync(
                static (state, token) => state.self.PostOnceAsync(state.body, token),
                (self: this, body),
                generation);
            OnAcknowledged(ack, generation);
        }
        catch (OperationCanceledException) when (generation.IsCancellationRequested)
        {
            // The stream was restarted or the leader is stopping; the entries are resent or moot.
        }
        catch (Exception e)
        {
            OnFailure(e);
            RequestReset(_quorum.AckedBy(_slot));
        }
        finally
        {
            Interlocked.Decrement(ref _inFlight);
            _wake.Set();
        }
    }

    private async ValueTask<Acknowledgement> PostOnceAsync(byte[] body, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        await _lag.DelayAsync(_lag.Draw(), cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, _replicateUri);
        request.Content = new ByteArrayContent(body);
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(LogRecordCodec.ContentType);
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", _token);
        request.Headers.Add(ReplicationProtocol.LogIdHeader, _log.LogId.ToString());

        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Conflict))
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ReplicationRejectedException(response.StatusCode, detail.Length > 200 ? detail[..200] : detail);
        }

        var reply = await response.Content.ReadFromJsonAsync(KvJsonContext.Default.ReplicateResponse, cancellationToken)
            ?? throw new System.Text.Json.JsonException("empty replicate response");
        return new Acknowledgement(reply.AppliedIndex, response.StatusCode == HttpStatusCode.Conflict, _time.GetElapsedTime(started));
    }

    private void OnAcknowledged(Acknowledgement ack, CancellationToken generation)
    {
        if (_failing)
        {
            _failing = false;
            LogReachable(_logger, _endpoint.Name, ack.AppliedIndex);
        }

        Interlocked.Exchange(ref _lastAckLatencyTicks, ack.Latency.Ticks);
        Interlocked.Exchange(ref _lastProgressTimestamp, _time.GetTimestamp());

        // A gap answer carries the follower's true position, lower than we thought if it lost its state.
        _quorum.Acknowledge(_slot, ack.AppliedIndex, replicaLostState: ack.Gap);
        if (ack.Gap && !generation.IsCancellationRequested)
        {
            LogCatchingUp(_logger, _endpoint.Name, ack.AppliedIndex);
            RequestReset(ack.AppliedIndex);
        }
    }

    private void OnFailure(Exception? error)
    {
        _lastError = error?.Message;
        if (!_failing)
        {
            _failing = true;
            LogUnreachable(_logger, _endpoint.Name, _endpoint.Url, error?.Message);
        }
    }

    private void RequestReset(long appliedIndex)
    {
        Interlocked.Exchange(ref _resetTo, appliedIndex);
        _wake.Set();
    }

    public async ValueTask DisposeAsync()
    {
        // Stopped by the host (StopAsync) and disposed by the container: only the first call does the work.
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        await _stopping.CancelAsync();
        await _loop;
        _http.Dispose();
        _stopping.Dispose();
    }

    [LoggerMessage(Level = LogLevel.Warning, Message = "Follower {Follower} ({Url}) unreachable: {Error}; retrying with backoff")]
    private static partial void LogUnreachable(ILogger logger, string follower, Uri url, string? error);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} reachable again, applied up to {Index}")]
    private static partial void LogReachable(ILogger logger, string follower, long index);

    [LoggerMessage(Level = LogLevel.Information, Message = "Follower {Follower} is at index {Index}; restarting its stream from there")]
    private static partial void LogCatchingUp(ILogger logger, string follower, long index);

    private readonly record struct Acknowledgement(long AppliedIndex, bool Gap, TimeSpan Latency);
}
