using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Leader;

/// <summary>A follower's acknowledgement: everything up to <see cref="AppliedIndex"/> is durable there.</summary>
internal readonly record struct Acknowledgement(string Node, long AppliedIndex, bool Gap, TimeSpan Latency, TimeSpan Lag);

/// <summary>Where a replication message sits in the traces: under its first traced write, linked to the others.</summary>
internal readonly record struct MessageTrace(ActivityContext Parent, List<ActivityLink>? Links, int Entries);

/// <summary>
/// One attempt at one replication message to one follower, after its simulated lag. Retries, backoff and
/// stream order are the caller's (<see cref="FollowerReplicator"/>).
/// </summary>
internal sealed class FollowerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _entriesUri;
    private readonly Uri _snapshotUri;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly ISimulatedLag _lag;
    private readonly TimeProvider _time;

    public FollowerClient(FollowerEndpoint endpoint, string token, int connections, ISimulatedLag lag, TimeProvider time)
    {
        _entriesUri = new Uri(endpoint.Url, ReplicationProtocol.Path);
        _snapshotUri = new Uri(endpoint.Url, ReplicationProtocol.SnapshotPath);
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        _lag = lag;
        _time = time;

        // One long-lived keep-alive connection per message in flight; no proxy between replicas.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = connections,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>Sends encoded log records (none: a probe for the follower's position).</summary>
    public async Task<Acknowledgement> SendEntriesAsync(Guid logId, byte[] records, MessageTrace trace, CancellationToken cancellationToken)
    {
        // Current for the HTTP call, so traceparent carries it and the follower's handling joins the write's trace.
        using var activity = trace.Parent == default ? null
            : NodeActivities.Source.StartActivity(NodeActivities.ReplicateMessage, ActivityKind.Client, trace.Parent, links: trace.Links);
        activity?.SetTag(NodeActivities.BatchSizeTag, trace.Entries);
        var ack = await SendAsync(logId, _entriesUri, LogRecordCodec.ContentType, new ByteArrayContent(records), cancellationToken);
        activity?.SetTag(NodeActivities.LagTag, Math.Round(ack.Lag.TotalMilliseconds, 3));
        return ack;
    }

    public async Task<Acknowledgement> SendSnapshotAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await SnapshotFile.WriteAsync(body, logId, snapshot, cancellationToken);
        return await SendAsync(logId, _snapshotUri, SnapshotFile.ContentType,
            new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length), cancellationToken);
    }

    private async Task<Acknowledgement> SendAsync(Guid logId, Uri uri, string contentType, HttpContent content, CancellationToken cancellationToken)
    {
        var started = _time.GetTimestamp();
        var lag = _lag.Draw();
        await _lag.DelayAsync(lag, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, uri) { Content = content };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(contentType);
        request.Headers.Authorization = _authorization;
        request.Headers.Add(ReplicationProtocol.LogIdHeader, logId.ToString());

        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode is not (HttpStatusCode.OK or HttpStatusCode.Conflict))
        {
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ReplicationRejectedException(response.StatusCode, detail.Length > 200 ? detail[..200] : detail);
        }

        var reply = await response.Content.ReadFromJsonAsync(KvJsonContext.Default.ReplicateResponse, cancellationToken)
            ?? throw new System.Text.Json.JsonException("empty replicate response");
        return new Acknowledgement(reply.Node, reply.AppliedIndex, response.StatusCode == HttpStatusCode.Conflict, _time.GetElapsedTime(started), lag);
    }

    public void Dispose() => _http.Dispose();
}
