using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Api;

/// <summary>Builds the application/problem+json answers; every one carries a stable <see cref="ErrorCodes">code</see>.</summary>
public static class Problems
{
    public static ProblemHttpResult Create(int status, string code, string detail, params (string Name, object? Value)[] extra)
    {
        var extensions = new Dictionary<string, object?>(extra.Length + 1) { ["code"] = code };
        foreach (var (name, value) in extra)
            extensions[name] = value;
        return TypedResults.Problem(detail: detail, statusCode: status, extensions: extensions);
    }

    public static ProblemHttpResult BadRequest(string code, string detail) => Create(StatusCodes.Status400BadRequest, code, detail);

    /// <summary>421 <c>not_leader</c> naming the leader; under FAILOVER=etcd with no leader known, 503 <c>no_leader</c> (with Retry-After when <paramref name="http"/> is given).</summary>
    public static ProblemHttpResult NotLeader(NodeContext node, HttpContext? http = null)
    {
        if (node is { Elected: true, LeaderUrl: null })
        {
            if (http is not null)
                http.Response.Headers.RetryAfter = "1";
            return NoLeader($"{node.Name} is a follower and no node holds the leader key (an election is under way, or too few nodes are reachable to elect one); retry shortly.");
        }

        return Create(StatusCodes.Status421MisdirectedRequest, ErrorCodes.NotLeader,
            $"{node.Name} is a follower; send writes to the leader" + (node.LeaderUrl is null ? "." : $" at {node.LeaderUrl}."),
            ("leader", node.LeaderUrl), ("epoch", node.Epochs.Current));
    }

    /// <summary>503 <c>no_leader</c>: no node is known to lead right now (an election, or a deposed leader); retry shortly.</summary>
    public static ProblemHttpResult NoLeader(string detail) =>
        Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.NoLeader, detail, ("retryAfterSeconds", 1));

    public static ProblemHttpResult KeyNotFound(string key) =>
        Create(StatusCodes.Status404NotFound, ErrorCodes.NotFound, $"Key '{key}' does not exist.", ("key", key));

    /// <summary>Fills in a code for problems the framework raises itself (unknown route, bad method, crash).</summary>
    public static string CodeForStatus(int status) => status switch
    {
        StatusCodes.Status404NotFound => "route_not_found",
        StatusCodes.Status405MethodNotAllowed => "method_not_allowed",
        StatusCodes.Status413PayloadTooLarge => ErrorCodes.ValueTooLarge,
        StatusCodes.Status415UnsupportedMediaType => ErrorCodes.UnsupportedMediaType,
        >= 500 => ErrorCodes.InternalError,
        _ => "bad_request",
    };
}
