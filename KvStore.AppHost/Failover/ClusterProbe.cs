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
    internal static readonly HttpClient Http = new(new SocketsHttpHandler { UseProxy = false, PooledConnectionLifetime = TimeSpan.FromMinutes(1) })
    {
        Timeout = System.Threading.Timeout.InfiniteTimeSpan,
    };

    public IReadOnlyList<ProjectResource> Nodes => nodes;

    public static Uri UrlOf(ProjectResource node) => new(node.GetEndpoint("http").Url);

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

    private static async Task<ClusterView?> TryGetAsync(Uri node, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(Timeout);
        try
        {
            return await Http.GetFromJsonAsync<ClusterView>(new Uri(node, "/cluster"), JsonSerializerOptions.Web, timeout.Token);
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !cancellationToken.IsCancellationRequested))
        {
            // Not running, not answering within the second, or FAILOVER=off on a follower (421): nothing to show.
            return null;
        }
    }
}
