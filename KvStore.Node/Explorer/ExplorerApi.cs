using KvStore.Node.Api;
using KvStore.Node.Leader;
using KvStore.Node.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Explorer;

/// <summary>
/// The node's own web UI, the KV explorer: its files and the API they call, all under <see cref="Prefix"/> (which
/// telemetry leaves untraced, so a browser tab polling a node adds nothing to its traces). Reads answer from this
/// node; writes on a follower go to the leader through <see cref="LeaderForwarder"/>. Bad input is a problem with a
/// code, as on the client API, and changes nothing.
/// </summary>
public static class ExplorerApi
{
    public const string Prefix = "/ui";

    // A table row shows the start of a value; a key read shows more, and /ui/api/value gives it whole.
    private const int DataPreviewChars = 200;
    private const int ReadPreviewChars = 4000;

    public static IServiceCollection AddExplorer(this IServiceCollection services)
    {
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, ExplorerJsonContext.Default));
        services.AddSingleton<LeaderForwarder>();
        return services;
    }

    public static IEndpointRouteBuilder MapExplorerApi(this IEndpointRouteBuilder app)
    {
        var ui = app.MapGroup(Prefix).WithTags("Web UI");
        ui.MapGet("/{**file}", Asset);

        var api = ui.MapGroup("/api");
        api.MapGet("/status", Status);
        api.MapGet("/data", Data);
        api.MapGet("/kv", Read);
        api.MapPut("/kv", Write);
        api.MapDelete("/kv", Delete);
        api.MapGet("/value", Value);
        return app;
    }

    public static Results<FileContentHttpResult, RedirectHttpResult, StatusCodeHttpResult, ProblemHttpResult> Asset(string? file, HttpContext http)
    {
        if (string.IsNullOrEmpty(file))
        {
            // The page's links are relative to /ui/.
            if (!http.Request.Path.Value!.EndsWith('/'))
                return TypedResults.Redirect(Prefix + "/");
            file = "index.html";
        }

        if (!ExplorerAssets.TryGet(file, out var asset))
        {
            return Problems.Create(StatusCodes.Status404NotFound, Problems.CodeForStatus(StatusCodes.Status404NotFound),
                $"The web UI has no file '{file}'.");
        }

        var headers = http.Response.Headers;
        headers.ETag = asset.ETag;
        headers.CacheControl = "no-cache";
        headers.XContentTypeOptions = "nosniff";
        headers.ContentSecurityPolicy = "default-src 'self'";
        if (http.Request.Headers.IfNoneMatch == asset.ETag)
            return TypedResults.StatusCode(StatusCodes.Status304NotModified);
        return TypedResults.Bytes(asset.Content, asset.ContentType);
    }

    public static Ok<ExplorerStatus> Status(NodeContext node)
    {
        var cluster = ClientApi.Cluster(node).Result is Ok<ClusterResponse> ok ? ok.Value : null;
        return TypedResults.Ok(new ExplorerStatus(node.Name, node.RoleName, node.State.AppliedIndex, node.LeaderUrl, cluster));
    }

    /// <summary><c>?after=KEY&amp;prefix=P&amp;limit=N&amp;min_version=V</c>: the next <c>limit</c> keys after <c>after</c>.</summary>
    public static async Task<Results<Ok<ExplorerDataPage>, ProblemHttpResult>> Data(
        string? after, string? prefix, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        if (TryGetLimit(http.Request, out var limit) is { } badLimit)
            return badLimit;
        if (await WaitForMinVersionAsync(http, node, cancellationToken) is { } stale)
            return stale;

        after = string.IsNullOrEmpty(after) ? null : after;
        prefix = string.IsNullOrEmpty(prefix) ? null : prefix;

        // The walk visits every key: off the socket thread, which serves other connections (inline scheduling).
        var page = await Task.Run(() => DataPager.Take(node.State, after, prefix, limit), cancellationToken);
        var items = Array.ConvertAll(page.Items, i => Preview(i.Key, i, DataPreviewChars));
        return TypedResults.Ok(new ExplorerDataPage(node.Name, page.AppliedIndex, after, prefix, limit, page.Matching, page.Next, items));
    }

    public static async Task<Results<Ok<ExplorerValue>, ProblemHttpResult>> Read(string? key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        var (found, problem) = await LookupAsync(key, http, node, cancellationToken);
        return problem ?? (Results<Ok<ExplorerValue>, ProblemHttpResult>)TypedResults.Ok(Preview(key!, found, ReadPreviewChars));
    }

    /// <summary>The whole value, for the UI's "full value" link.</summary>
    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> Value(string? key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        var (found, problem) = await LookupAsync(key, http, node, cancellationToken);
        return problem ?? (Results<FileContentHttpResult, ProblemHttpResult>)TypedResults.Bytes(found.Value, "application/json");
    }

    /// <summary><c>PUT ?key=K</c> with any JSON value as the body, at the leader's default quorum.</summary>
    public static async Task<Results<Ok<WriteResponse>, ContentHttpResult, ProblemHttpResult>> Write(
        string? key, HttpContext http, NodeContext node, LeaderForwarder forwarder, CancellationToken cancellationToken)
    {
        if (RequestParsing.ValidateKey(key) is { } badKey)
            return badKey;
        var (body, badBody) = await RequestParsing.ReadJsonBodyAsync(http.Request, node.MaxValueBytes, cancellationToken);
        if (badBody is not null)
            return badBody;
        if (RequestParsing.ValidateJsonValue(body!) is { } badJson)
            return badJson;

        if (node.Writer is not { } writer)
            return Relay(await forwarder.ForwardAsync(http.Request, body, cancellationToken));
        return await CommitAsync(http, writer, new WriteCommand(key!, body, null, writer.DefaultQuorum), cancellationToken);
    }

    public static async Task<Results<Ok<WriteResponse>, ContentHttpResult, ProblemHttpResult>> Delete(
        string? key, HttpContext http, NodeContext node, LeaderForwarder forwarder, CancellationToken cancellationToken)
    {
        if (RequestParsing.ValidateKey(key) is { } badKey)
            return badKey;

        if (node.Writer is not { } writer)
            return Relay(await forwarder.ForwardAsync(http.Request, null, cancellationToken));
        return await CommitAsync(http, writer, new WriteCommand(key!, null, null, writer.DefaultQuorum), cancellationToken);
    }

    private static async Task<Results<Ok<WriteResponse>, ContentHttpResult, ProblemHttpResult>> CommitAsync(
        HttpContext http, LeaderWriter writer, WriteCommand command, CancellationToken cancellationToken)
    {
        var outcome = await writer.WriteAsync(command, cancellationToken);
        return outcome is WriteOutcome.Committed committed
            ? ClientApi.Committed(http, command.Key, committed)
            : ClientApi.OutcomeProblem(command.Key, outcome);
    }

    private static Results<Ok<WriteResponse>, ContentHttpResult, ProblemHttpResult> Relay(Results<ContentHttpResult, ProblemHttpResult> forwarded) =>
        forwarded.Result switch
        {
            ContentHttpResult content => content,
            ProblemHttpResult problem => problem,
            _ => throw new InvalidOperationException($"Unexpected forwarding result {forwarded.Result}."),
        };

    private static async Task<(StoredItem Found, ProblemHttpResult? Problem)> LookupAsync(
        string? key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        if (RequestParsing.ValidateKey(key) is { } badKey)
            return (default, badKey);
        if (await WaitForMinVersionAsync(http, node, cancellationToken) is { } stale)
            return (default, stale);
        return node.State.TryGet(key!, out var found) ? (found, null) : (default, Problems.KeyNotFound(key!));
    }

    /// <summary>
    /// <c>?min_version=V</c>: the UI passes the version of its own last write, so a follower's page shows that write
    /// once this replica has applied it (read-your-writes, as on the client API).
    /// </summary>
    private static async Task<ProblemHttpResult?> WaitForMinVersionAsync(HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        if (RequestParsing.TryGetMinVersion(http.Request, out var minVersion) is { } badMin)
            return badMin;
        if (minVersion <= node.State.AppliedIndex ||
            await node.State.WaitForAppliedAsync(minVersion, node.ReadWaitTimeout, cancellationToken))
        {
            return null;
        }

        return Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StaleRead,
            $"{node.Name} has applied up to {node.State.AppliedIndex}, not yet {minVersion}; retry or read from the leader.",
            ("appliedIndex", node.State.AppliedIndex), ("minVersion", minVersion));
    }

    private static ProblemHttpResult? TryGetLimit(HttpRequest request, out int limit)
    {
        limit = DataPager.DefaultLimit;
        var raw = request.Query["limit"];
        if (raw.Count == 0 || (raw.Count == 1 && int.TryParse(raw[0], out limit) && limit is >= 1 and <= DataPager.MaxLimit))
            return null;
        return Problems.BadRequest(ErrorCodes.InvalidLimit, $"limit must be an integer from 1 to {DataPager.MaxLimit} (got '{raw}').");
    }

    private static ExplorerValue Preview(string key, StoredItem item, int maxChars)
    {
        var (text, truncated) = ValuePreview.Of(item.Value.Span, maxChars);
        return new ExplorerValue(key, item.Version, text, item.Value.Length, truncated);
    }
}
