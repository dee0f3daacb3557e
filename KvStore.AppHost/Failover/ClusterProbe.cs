using System.Net.Http.Json;
using System.Text.Json;

namespace KvStore.AppHost.Failover;

/// <summary>
/// Asks every node of the app model for its <c>GET /cluster</c>, directly on its host port, each within one second so
/// that a stopped or frozen node costs the caller that second and no more.
/// </summary>
public sealed class ClusterProbe(IReadOnlyList<ProjectResource> nodes)
{
    private static readonly TimeSpan Timeout = TimeSpan.FromSeconds(1);

    // One client for the AppHost's lifetime; the nodes are on loopback, never behind a proxy.
    // No propagator: a probe's trace context is the one it sets itself (UnsampledTraceparent), never an Activity of the AppHost's.
    internal static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1), ActivityHeadersPropagator = null })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public IReadOnlyList<ProjectResource> Nodes => nodes;

    public static Uri UrlOf(ProjectResource node) => new(node.GetEndpoint("http").Url);

    /// <summary>
    /// A W3C traceparent of a new trace that is not sampled (flags 00). The probe sends it with every question: the
    /// nodes follow their caller's sampling decision, and without one each question (every node, every second, from
    /// <see cref="ClusterStatusPublisher"/>) would start a trace of its own, until the dashboard's trace limit evicted
    /// the traces of writes. The dashboard's commands send none, so a promotion or a step-down is traced.
    /// </summary>
    private static string UnsampledTraceparent() =>
        $"00-{System.Diagnostics.ActivityTraceId.CreateRandom().ToHexString()}-{System.Diagnostics.ActivitySpanId.CreateRandom().ToHexString()}-00";

    public Task<IReadOnlyList<NodeObservation>> ObserveAsync(CancellationToken cancellationToken) => ObserveAsync(_ => true, cancellationToken);

    /// <summary>Every node whose endpoint is allocated, asked if <paramref name="ask"/> says so (else its view is null).</summary>
    public async Task<IReadOnlyList<NodeObservation>> ObserveAsync(Func<ProjectResource, bool> ask, CancellationToken cancellationToken) =>
        await Task.WhenAll(nodes.Where(n => n.GetEndpoint("http").IsAllocated).Select(async node =>
        {
            var url = UrlOf(node);
            return new NodeObservation(node.Name, url, ask(node) ? await TryGetAsync(url, cancellationToken) : null);
        }));

    /// <summary>The current leader's URL (see <see cref="CurrentLeader.Find"/>), or null when none is known right now.</summary>
    public async Task<NodeObservation?> FindLeaderAsync(CancellationToken cancellationToken) =>
        CurrentLeader.Find(await ObserveAsync(cancellationToken));

    internal static async Task<ClusterView?> TryGetAsync(Uri node, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(node, "/cluster"));
        request.Headers.Add("traceparent", UnsampledTraceparent());
        try
        {
            using var response = await Http.SendAsync(request, timeout.Token);
            response.EnsureSuccessStatusCode();
            return await response.Content.ReadFromJsonAsync<ClusterView>(JsonSerializerOptions.Web, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Not running, not answering within the second, or FAILOVER=off on a follower (421): nothing to show.
            return null;
        }
    }
}
