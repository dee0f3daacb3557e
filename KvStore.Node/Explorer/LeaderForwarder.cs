using KvStore.Node.Api;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Explorer;

/// <summary>
/// A follower's UI writes go through this node to the leader's <c>/ui/api</c>, server-side. The browser then talks to
/// one origin only: no CORS on the write API, and it works where the leader's address (a Compose service name, a
/// service-discovery entry) means nothing to the browser. The leader's answer, success or problem, is passed on as is.
/// </summary>
public sealed class LeaderForwarder(NodeContext node) : IDisposable
{
    /// <summary>Marks a forwarded request, so that a follower never forwards one again (no loops between misconfigured nodes).</summary>
    public const string ForwardedHeader = "X-KvStore-Forwarded-By";

    private readonly Lazy<HttpClient> _http = new(() => new HttpClient(new SocketsHttpHandler
    {
        UseProxy = false,
        ConnectTimeout = TimeSpan.FromSeconds(2),
    })
    {
        // A write waits for its quorum on the leader; that wait has its own timeout (REPLICATION_TIMEOUT).
        Timeout = TimeSpan.FromSeconds(30),
    });

    public async Task<Results<ContentHttpResult, ProblemHttpResult>> ForwardAsync(HttpRequest request, byte[]? body, CancellationToken cancellationToken)
    {
        if (request.Headers.ContainsKey(ForwardedHeader) || node.LeaderInternalUrl is not { } leader)
            return Problems.NotLeader(node);

        // LEADER that service discovery could not resolve stays as configured, and may be no URL at all.
        if (!Uri.TryCreate(leader + request.Path + request.QueryString, UriKind.Absolute, out var target) ||
            target.Scheme is not ("http" or "https"))
        {
            return Unreachable(leader, $"LEADER '{leader}' is not an http(s) URL");
        }

        using var message = new HttpRequestMessage(new HttpMethod(request.Method), target);
        message.Headers.Add(ForwardedHeader, node.Name);
        if (body is not null)
        {
            message.Content = new ByteArrayContent(body);
            message.Content.Headers.ContentType = new("application/json");
        }

        try
        {
            using var response = await _http.Value.SendAsync(message, cancellationToken);
            var text = await response.Content.ReadAsStringAsync(cancellationToken);
            return TypedResults.Content(text, response.Content.Headers.ContentType?.ToString() ?? "application/json", statusCode: (int)response.StatusCode);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !cancellationToken.IsCancellationRequested)
        {
            return Unreachable(leader, e.Message);
        }
    }

    private ProblemHttpResult Unreachable(string leader, string reason) =>
        Problems.Create(StatusCodes.Status502BadGateway, ErrorCodes.LeaderUnreachable,
            $"{node.Name} could not reach the leader at {leader}: {reason}", ("leader", leader));

    public void Dispose()
    {
        if (_http.IsValueCreated)
            _http.Value.Dispose();
    }
}
