using System.Globalization;
using System.Net.Http.Headers;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Node.Configuration;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Failover;

/// <summary>A candidate's calls to its peers' admin API, each bounded by a short timeout: a dead peer is simply not heard from.</summary>
public sealed class PeerClient : IDisposable
{
    private static readonly TimeSpan CallTimeout = TimeSpan.FromSeconds(2);
    private readonly HttpClient _http;

    public PeerClient(IOptions<NodeOptions> options)
    {
        _http = new HttpClient(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) })
        {
            Timeout = Timeout.InfiniteTimeSpan,
        };
        _http.DefaultRequestHeaders.Authorization = new AuthenticationHeaderValue("Bearer", options.Value.ReplicationToken ?? "");
    }

    public Task<PositionResponse?> PositionAsync(Uri peer, CancellationToken cancellationToken) =>
        CallAsync(peer, HttpMethod.Get, "/admin/position", KvJsonContext.Default.PositionResponse, CallTimeout, cancellationToken);

    public Task<FenceResponse?> FenceAsync(Uri peer, long epoch, CancellationToken cancellationToken) =>
        CallAsync(peer, HttpMethod.Post, "/admin/fence?epoch=" + epoch.ToString(CultureInfo.InvariantCulture),
            KvJsonContext.Default.FenceResponse, CallTimeout, cancellationToken);

    /// <summary>Asks <paramref name="peer"/> to take over (a step-down's handover); its promotion itself asks everyone, hence the longer wait.</summary>
    public Task<PromoteResponse?> PromoteAsync(Uri peer, CancellationToken cancellationToken) =>
        CallAsync(peer, HttpMethod.Post, "/admin/promote", KvJsonContext.Default.PromoteResponse, CallTimeout * 4, cancellationToken);

    private async Task<T?> CallAsync<T>(Uri peer, HttpMethod method, string path, System.Text.Json.Serialization.Metadata.JsonTypeInfo<T> type,
        TimeSpan timeout, CancellationToken cancellationToken) where T : class
    {
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            using var request = new HttpRequestMessage(method, new Uri(peer, path));
            using var response = await _http.SendAsync(request, deadline.Token);
            return response.IsSuccessStatusCode ? await response.Content.ReadFromJsonAsync(type, deadline.Token) : null;
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or System.Text.Json.JsonException && !cancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    public void Dispose() => _http.Dispose();
}
