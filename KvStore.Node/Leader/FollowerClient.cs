using System.Diagnostics;
using System.Net;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Node.Replication;
using KvStore.Node.SimulatedLag;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;

namespace KvStore.Node.Leader;

/// <summary>
/// The leader's connection to one follower: the replication stream, and snapshots (each after its simulated lag).
/// Retries, backoff and stream order are the caller's (<see cref="FollowerReplicator"/>).
/// </summary>
internal sealed class FollowerClient : IDisposable
{
    private readonly HttpClient _http;
    private readonly Uri _entriesUri;
    private readonly Uri _snapshotUri;
    private readonly AuthenticationHeaderValue _authorization;
    private readonly ISimulatedLag _lag;
    private readonly int _link;
    private readonly string? _advertisedUrl;
    private readonly string? _leaderName;
    private volatile string? _followerAdvertisedUrl;

    /// <param name="advertisedUrl">The leader's own ADVERTISED_URL, sent with every stream it opens; null when unset.</param>
    /// <param name="leaderName">The leader's NODE_NAME, sent with every stream it opens.</param>
    public FollowerClient(FollowerEndpoint endpoint, int link, string token, ISimulatedLag lag, string? advertisedUrl = null, string? leaderName = null)
    {
        _link = link;
        _advertisedUrl = advertisedUrl;
        _leaderName = leaderName;
        _entriesUri = new Uri(endpoint.Url, ReplicationProtocol.Path);
        _snapshotUri = new Uri(endpoint.Url, ReplicationProtocol.SnapshotPath);
        _authorization = new AuthenticationHeaderValue("Bearer", token);
        _lag = lag;

        // One connection for the stream, one for a snapshot; no proxy between replicas.
        _http = new HttpClient(new SocketsHttpHandler
        {
            UseProxy = false,
            MaxConnectionsPerServer = 2,
            PooledConnectionLifetime = Timeout.InfiniteTimeSpan,
            ConnectTimeout = TimeSpan.FromSeconds(1),
        })
        { Timeout = Timeout.InfiniteTimeSpan };
    }

    /// <summary>The epoch this leader leads, sent on every call; a follower that answers with a newer one deposes it.</summary>
    public Failover.LeaderTerm? Term { get; init; }

    /// <summary>The follower's ADVERTISED_URL as its last stream answer gave it; null when it sent none.</summary>
    public string? FollowerAdvertisedUrl => _followerAdvertisedUrl;

    /// <summary>
    /// Opens the replication stream (<see cref="ReplicationStreamFormat"/>): <c>POST /replicate</c> with
    /// <c>Upgrade: kvstore-replication</c>, answered 101 by the follower, after which the connection is a plain
    /// byte stream in both directions until the session is disposed.
    /// </summary>
    public async Task<ReplicationSession> OpenStreamAsync(Guid logId, CancellationToken cancellationToken)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, _entriesUri);
        request.Headers.Connection.Add("Upgrade");
        request.Headers.Upgrade.Add(new ProductHeaderValue(ReplicationStreamFormat.UpgradeToken));
        request.Headers.Authorization = _authorization;
        request.Headers.Add(ReplicationProtocol.LogIdHeader, logId.ToString());
        AddEpoch(request);
        if (_advertisedUrl is not null)
            request.Headers.Add(ReplicationStreamFormat.AdvertisedUrlHeader, _advertisedUrl);
        if (_leaderName is not null)
            request.Headers.Add(ReplicationStreamFormat.NodeHeader, _leaderName);

        // The session outlives any one write: it must not become a child span of whichever write opened it.
        var current = Activity.Current;
        Activity.Current = null;
        Task<HttpResponseMessage> sending;
        try
        {
            sending = _http.SendAsync(request, HttpCompletionOption.ResponseHeadersRead, cancellationToken);
        }
        finally
        {
            Activity.Current = current;
        }

        var response = await sending;
        try
        {
            if (response.StatusCode != HttpStatusCode.SwitchingProtocols)
            {
                ObserveEpoch(response);
                var detail = await response.Content.ReadAsStringAsync(cancellationToken);
                throw new ReplicationRejectedException(response.StatusCode, detail.Length > 200 ? detail[..200] : detail);
            }

            var connection = await response.Content.ReadAsStreamAsync(cancellationToken);
            var node = response.Headers.TryGetValues(ReplicationStreamFormat.NodeHeader, out var names) ? names.FirstOrDefault() : null;
            _followerAdvertisedUrl = response.Headers.TryGetValues(ReplicationStreamFormat.AdvertisedUrlHeader, out var urls) ? urls.FirstOrDefault() : null;
            return new ReplicationSession(response, connection, node ?? "");
        }
        catch
        {
            response.Dispose();
            throw;
        }
    }

    /// <summary>Replaces the follower's state with <paramref name="snapshot"/>; its answer names the index it now stands at.</summary>
    public async Task<ReplicateResponse> SendSnapshotAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        using var body = new MemoryStream();
        await SnapshotFile.WriteAsync(body, logId, snapshot, cancellationToken);
        await _lag.DelayAsync(_lag.Draw(), _link, cancellationToken);

        using var request = new HttpRequestMessage(HttpMethod.Post, _snapshotUri)
        {
            Content = new ByteArrayContent(body.GetBuffer(), 0, (int)body.Length),
        };
        request.Content.Headers.ContentType = new MediaTypeHeaderValue(SnapshotFile.ContentType);
        request.Headers.Authorization = _authorization;
        request.Headers.Add(ReplicationProtocol.LogIdHeader, logId.ToString());
        AddEpoch(request);

        using var response = await _http.SendAsync(request, cancellationToken);
        if (response.StatusCode != HttpStatusCode.OK)
        {
            ObserveEpoch(response);
            var detail = await response.Content.ReadAsStringAsync(cancellationToken);
            throw new ReplicationRejectedException(response.StatusCode, detail.Length > 200 ? detail[..200] : detail);
        }

        return await response.Content.ReadFromJsonAsync(KvJsonContext.Default.ReplicateResponse, cancellationToken)
            ?? throw new System.Text.Json.JsonException("empty replicate response");
    }

    private void AddEpoch(HttpRequestMessage request)
    {
        if (Term is not { } term)
            return;
        request.Headers.Add(ReplicationProtocol.EpochHeader, term.Epoch.ToString(System.Globalization.CultureInfo.InvariantCulture));
        request.Headers.Add(ReplicationProtocol.EpochsHeader, term.History);
    }

    /// <summary>A refusal naming a newer epoch (409 stale_epoch) deposes this leader.</summary>
    private void ObserveEpoch(HttpResponseMessage response)
    {
        if (Term is { } term && response.Headers.TryGetValues(ReplicationProtocol.EpochHeader, out var values) &&
            long.TryParse(values.FirstOrDefault(), System.Globalization.NumberStyles.None, System.Globalization.CultureInfo.InvariantCulture, out var epoch))
        {
            term.Observe(epoch);
        }
    }

    public void Dispose() => _http.Dispose();
}
