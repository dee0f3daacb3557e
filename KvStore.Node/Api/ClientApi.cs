using KvStore.Node.Leader;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Api;

/// <summary>
/// The client API: the reference labs' <c>/write</c>, <c>/read</c>, <c>/data</c> and the resource-style <c>/kv/{key}</c>,
/// one implementation underneath. Any node serves reads; only the leader takes writes (followers answer 421).
/// </summary>
public static class ClientApi
{
    // Room for the key (escaped, up to 6 bytes a character) and the JSON around the value.
    private const int WriteEnvelopeBytes = 16 * 1024;

    public static IEndpointRouteBuilder MapClientApi(this IEndpointRouteBuilder app)
    {
        var client = app.MapGroup("").WithTags("Client");
        client.MapPost("/write", Write);
        client.MapGet("/read", Read);
        client.MapGet("/data", Data);
        client.MapGet("/cluster", Cluster);

        var kv = app.MapGroup("/kv").WithTags("Key-value");
        kv.MapGet("/{**key}", GetKey);
        kv.MapPut("/{**key}", PutKey);
        kv.MapDelete("/{**key}", DeleteKey);
        return app;
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> Write(HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        if (node.Writer is not { } writer)
            return Problems.NotLeader(node, http);
        if (RequestParsing.TryGetQuorum(http.Request, writer.Followers, writer.DefaultQuorum, out var quorum) is { } badQuorum)
            return badQuorum;

        var (body, badBody) = await RequestParsing.ReadJsonBodyAsync(http.Request, node.MaxValueBytes + WriteEnvelopeBytes, cancellationToken);
        if (badBody is not null)
            return badBody;
        if (RequestParsing.ParseWriteBody(body!, node.MaxValueBytes, out var key, out var value) is { } badWrite)
            return badWrite;

        var outcome = await writer.WriteAsync(new WriteCommand(key, value, null, quorum), cancellationToken);
        return outcome switch
        {
            WriteOutcome.Committed c => Committed(http, key, c),
            _ => OutcomeProblem(key, outcome, http),
        };
    }

    public static async Task<Results<Ok<ReadResponse>, ProblemHttpResult>> Read(string? key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        var (found, problem) = await LookupAsync(key, http, node, cancellationToken);
        if (problem is not null)
            return problem;

        http.Response.Headers.ETag = ETag(found.Version);
        return TypedResults.Ok(new ReadResponse(key!, new RawJson(found.Value), found.Version));
    }

    public static Ok<DataResponse> Data(NodeContext node)
    {
        var snapshot = node.State.Snapshot();
        var data = new Dictionary<string, DataItem>(snapshot.Items.Length, StringComparer.Ordinal);
        foreach (var item in snapshot.Items)
            data[item.Key] = new DataItem(new RawJson(item.Value), item.Version);
        return TypedResults.Ok(new DataResponse(node.Name, node.RoleName, snapshot.AppliedIndex, data));
    }

    public static Results<Ok<ClusterResponse>, ProblemHttpResult> Cluster(NodeContext node)
    {
        if (node.Writer is not { } writer || node.Replication is not { } replication)
        {
            // Under FAILOVER=manual or etcd every node answers: the leader it knows of (null during an election) and the epoch.
            return node.AnyNodeMayLead
                ? TypedResults.Ok(new ClusterResponse(node.LeaderUrl ?? "", node.State.AppliedIndex, 0, 0, 0, [], node.AdvertisedUrl,
                    node.Epochs.Current, node.LeaderUrl, node.RoleName))
                : Problems.NotLeader(node);
        }

        return TypedResults.Ok(new ClusterResponse(
            node.Name, node.State.AppliedIndex, writer.DefaultQuorum, replication.MinDelay, replication.MaxDelay, replication.Statuses(),
            node.AdvertisedUrl, node.Epochs.Current, node.AdvertisedUrl, node.RoleName));
    }

    public static async Task<Results<FileContentHttpResult, ProblemHttpResult>> GetKey(string key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        var (found, problem) = await LookupAsync(key, http, node, cancellationToken);
        if (problem is not null)
            return problem;

        http.Response.Headers.ETag = ETag(found.Version);
        return TypedResults.Bytes(found.Value, "application/json");
    }

    public static async Task<Results<Ok<WriteResponse>, Created<WriteResponse>, ProblemHttpResult>> PutKey(
        string key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        var (writer, quorum, ifVersion, refused) = AdmitKeyWrite(key, http, node);
        if (refused is not null)
            return refused;

        var (body, badBody) = await RequestParsing.ReadJsonBodyAsync(http.Request, node.MaxValueBytes, cancellationToken);
        if (badBody is not null)
            return badBody;
        if (RequestParsing.ValidateJsonValue(body!) is { } badJson)
            return badJson;

        var outcome = await writer!.WriteAsync(new WriteCommand(key, body, ifVersion, quorum), cancellationToken);
        if (outcome is not WriteOutcome.Committed committed)
            return OutcomeProblem(key, outcome, http);

        var response = Committed(http, key, committed);
        return committed.Created ? TypedResults.Created($"/kv/{Uri.EscapeDataString(key)}", response.Value) : response;
    }

    public static async Task<Results<Ok<WriteResponse>, ProblemHttpResult>> DeleteKey(
        string key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        var (writer, quorum, ifVersion, refused) = AdmitKeyWrite(key, http, node);
        if (refused is not null)
            return refused;

        var outcome = await writer!.WriteAsync(new WriteCommand(key, null, ifVersion, quorum), cancellationToken);
        return outcome is WriteOutcome.Committed committed ? Committed(http, key, committed) : OutcomeProblem(key, outcome, http);
    }

    /// <summary>What PUT and DELETE on <c>/kv/{key}</c> check before touching the body: role, key, quorum, preconditions.</summary>
    private static (LeaderWriter? Writer, int Quorum, long? IfVersion, ProblemHttpResult? Refused) AdmitKeyWrite(
        string key, HttpContext http, NodeContext node)
    {
        if (node.Writer is not { } writer)
            return (null, 0, null, Problems.NotLeader(node, http));
        if (RequestParsing.ValidateKey(key) is { } badKey)
            return (null, 0, null, badKey);
        if (RequestParsing.TryGetQuorum(http.Request, writer.Followers, writer.DefaultQuorum, out var quorum) is { } badQuorum)
            return (null, 0, null, badQuorum);
        if (RequestParsing.TryGetPrecondition(http.Request, out var ifVersion) is { } badPrecondition)
            return (null, 0, null, badPrecondition);
        return (writer, quorum, ifVersion, null);
    }

    private static async Task<(Storage.StoredItem Found, ProblemHttpResult? Problem)> LookupAsync(
        string? key, HttpContext http, NodeContext node, CancellationToken cancellationToken)
    {
        if (RequestParsing.ValidateKey(key) is { } badKey)
            return (default, badKey);
        if (RequestParsing.TryGetMinVersion(http.Request, out var minVersion) is { } badMin)
            return (default, badMin);

        // Read-your-writes: a client that wrote version N reads it back here once this replica applied N.
        if (minVersion > node.State.AppliedIndex &&
            !await node.State.WaitForAppliedAsync(minVersion, node.ReadWaitTimeout, cancellationToken))
        {
            return (default, Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.StaleRead,
                $"{node.Name} has applied up to {node.State.AppliedIndex}, not yet {minVersion}; retry or read from the leader.",
                ("appliedIndex", node.State.AppliedIndex), ("minVersion", minVersion)));
        }

        var exists = node.State.TryGet(key!, out var found);
        node.Metrics.Read(node.Name, exists);
        return exists ? (found, null) : (default, Problems.KeyNotFound(key!));
    }

    internal static Ok<WriteResponse> Committed(HttpContext http, string key, WriteOutcome.Committed committed)
    {
        http.Response.Headers.ETag = ETag(committed.Version);
        return TypedResults.Ok(new WriteResponse(key, committed.Version, committed.Quorum, committed.Acks, committed.Epoch));
    }

    /// <summary>The problem answer for a write that did not commit; <paramref name="http"/> gets Retry-After when there is no leader to write to.</summary>
    internal static ProblemHttpResult OutcomeProblem(string key, WriteOutcome outcome, HttpContext? http = null)
    {
        if (outcome is WriteOutcome.Deposed && http is not null)
            http.Response.Headers.RetryAfter = "1";
        return Problem(key, outcome);
    }

    private static ProblemHttpResult Problem(string key, WriteOutcome outcome) => outcome switch
    {
        WriteOutcome.QuorumTimeout t => Problems.Create(StatusCodes.Status503ServiceUnavailable, ErrorCodes.QuorumTimeout,
            $"Only {t.Acks} of the {t.Quorum} followers required acknowledged version {t.Version} in time. " +
            "The write is in the leader's log and keeps replicating; it is not rolled back.",
            ("key", key), ("version", t.Version), ("quorum", t.Quorum), ("acks", t.Acks)),
        WriteOutcome.VersionMismatch m => Problems.Create(StatusCodes.Status412PreconditionFailed, ErrorCodes.VersionMismatch,
            m.CurrentVersion == 0 ? $"Key '{key}' does not exist." : $"Key '{key}' is at version {m.CurrentVersion}.",
            ("key", key), ("currentVersion", m.CurrentVersion)),
        WriteOutcome.NotFound => Problems.KeyNotFound(key),
        WriteOutcome.Deposed d => Problems.NoLeader($"This node led epoch {d.Epoch} and has been deposed by a newer leader; it takes no writes."),
        _ => throw new InvalidOperationException($"Unexpected write outcome {outcome}."),
    };

    private static string ETag(long version) => $"\"{version}\"";
}
