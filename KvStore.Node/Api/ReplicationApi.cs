using System.Globalization;
using KvStore.Node.Failover;
using KvStore.Node.Follower;
using KvStore.Node.Replication;
using KvStore.Node.Storage.Durability;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Api;

/// <summary>
/// The internal API between leader and followers, kept apart from the client API. Only a caller holding
/// REPLICATION_TOKEN can change a follower's data, and only through the leader's ordered log (or a
/// snapshot of it). A message is decoded and checked whole before anything is applied. A leader of an epoch older than
/// the newest this follower knows is refused (409 stale_epoch naming the newer epoch, which deposes it); a newer one
/// is followed, after this replica's log is cut back to where it agrees with that leader's.
/// </summary>
public static class ReplicationApi
{
    private const long MaxMessageBytes = 1L << 30;

    public static IEndpointRouteBuilder MapReplicationApi(this IEndpointRouteBuilder app)
    {
        var replication = app.MapGroup("").WithTags("Replication (internal)");
        replication.MapPost(ReplicationProtocol.Path, Replicate);
        replication.MapPost(ReplicationProtocol.SnapshotPath, InstallSnapshot);
        return app;
    }

    /// <summary>
    /// One replication message (<see cref="LogRecordCodec.ContentType"/>), or the leader's long-lived stream of them
    /// (<see cref="ReplicationStreamFormat"/>, an upgrade of this request): the same admission, the same ordered apply.
    /// </summary>
    public static async Task<Results<Ok<ReplicateResponse>, ProblemHttpResult, EmptyHttpResult>> Replicate(
        HttpContext http, NodeContext node, ReplicationSecret secret, ILoggerFactory loggers, IHostApplicationLifetime lifetime,
        CancellationToken cancellationToken)
    {
        var streaming = ReplicationStreamReceiver.IsStreamRequest(http);
        var (applier, logId, refused) = Admit(http, node, secret, streaming ? null : LogRecordCodec.ContentType);
        if (refused is not null)
            return refused;
        var (epoch, badEpoch) = await FollowLeaderAsync(http, node, applier!, logId, cancellationToken);
        if (badEpoch is not null)
            return badEpoch;

        if (streaming)
        {
            // Admitted, so this is the leader: clients this follower turns away are sent where it says it is reached.
            node.Leader?.Advertised(http.Request.Headers[ReplicationStreamFormat.AdvertisedUrlHeader], http.Request.Headers[ReplicationStreamFormat.NodeHeader]);

            // The stream never ends on its own: a stopping node ends it, or shutdown would wait out its timeout.
            using var session = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, lifetime.ApplicationStopping);
            await ReplicationStreamReceiver.RunAsync(http, applier!, logId, epoch, node.Name, node.AdvertisedUrl,
                loggers.CreateLogger(typeof(ReplicationStreamReceiver)), session.Token);
            return TypedResults.Empty;
        }

        var body = await ReadBodyAsync(http, cancellationToken);
        if (LogRecordCodec.ReadAll(body.Span) is not { } entries)
            return Problems.BadRequest(ErrorCodes.InvalidBatch, "The message is truncated or fails its checksum; nothing was applied.");

        long applied;
        bool gap;
        try
        {
            (applied, gap) = await applier!.ApplyAsync(logId, epoch, entries, cancellationToken);
        }
        catch (StaleEpochException e)
        {
            return StaleEpoch(http, node, e.Epoch);
        }

        if (gap)
        {
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.LogGap,
                $"{node.Name} has applied up to {applied}; resend from {applied + 1}.",
                ("node", node.Name), ("appliedIndex", applied));
        }

        return TypedResults.Ok(new ReplicateResponse(node.Name, applied));
    }

    public static async Task<Results<Ok<ReplicateResponse>, ProblemHttpResult>> InstallSnapshot(
        HttpContext http, NodeContext node, ReplicationSecret secret, CancellationToken cancellationToken)
    {
        var (applier, logId, refused) = Admit(http, node, secret, SnapshotFile.ContentType);
        if (refused is not null)
            return refused;
        if ((await FollowLeaderAsync(http, node, applier!, logId, cancellationToken)).Refused is { } badEpoch)
            return badEpoch;

        var body = await ReadBodyAsync(http, cancellationToken);
        Storage.StateSnapshot snapshot;
        try
        {
            (var snapshotLogId, snapshot) = SnapshotFile.Read(body.Span, "snapshot message");
            if (snapshotLogId != logId)
                return Problems.BadRequest(ErrorCodes.InvalidBatch, "The snapshot belongs to another log history than its header says.");
        }
        catch (WalCorruptionException e)
        {
            return Problems.BadRequest(ErrorCodes.InvalidBatch, e.Message + " Nothing was applied.");
        }

        var applied = await applier!.InstallSnapshotAsync(logId, snapshot, cancellationToken);
        return TypedResults.Ok(new ReplicateResponse(node.Name, applied));
    }

    private static (ReplicaApplier? Applier, Guid LogId, ProblemHttpResult? Refused) Admit(
        HttpContext http, NodeContext node, ReplicationSecret secret, string? contentType)
    {
        if (!secret.Matches(http.Request.Headers.Authorization.ToString()))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return (null, default, Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "Replication needs 'Authorization: Bearer <REPLICATION_TOKEN>'."));
        }

        if (node.Applier is not { } applier)
        {
            // A leader reached by a newer epoch's leader is deposed by it (and follows once it has handed over).
            if (long.TryParse(http.Request.Headers[ReplicationProtocol.EpochHeader], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch))
                node.Roles.Current.Term?.Observe(epoch);
            return (null, default, Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.NotFollower,
                $"{node.Name} is the leader; it does not accept replication."));
        }

        if (contentType is not null && http.Request.ContentType != contentType)
        {
            return (null, default, Problems.Create(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                contentType == SnapshotFile.ContentType
                    ? $"This replication call takes {contentType}."
                    : $"This replication call takes {contentType} (one message), or 'Upgrade: {ReplicationStreamFormat.UpgradeToken}' (the stream)."));
        }

        if (!Guid.TryParse(http.Request.Headers[ReplicationProtocol.LogIdHeader], out var logId) || logId == Guid.Empty)
            return (null, default, Problems.BadRequest(ErrorCodes.MissingLogId, $"Replication messages carry the leader's {ReplicationProtocol.LogIdHeader}."));

        return (applier, logId, null);
    }

    /// <summary>The caller's epoch (absent: 1) and history; refused when this node knows a newer epoch.</summary>
    private static async Task<(long Epoch, ProblemHttpResult? Refused)> FollowLeaderAsync(
        HttpContext http, NodeContext node, ReplicaApplier applier, Guid logId, CancellationToken cancellationToken)
    {
        var headers = http.Request.Headers;
        var epochText = headers[ReplicationProtocol.EpochHeader].ToString();
        long epoch = 1;
        if (epochText.Length > 0 && (!long.TryParse(epochText, NumberStyles.None, CultureInfo.InvariantCulture, out epoch) || epoch < 1))
            return (0, Problems.BadRequest(ErrorCodes.InvalidBatch, $"{ReplicationProtocol.EpochHeader} must be a positive integer."));
        var history = headers[ReplicationProtocol.EpochsHeader].ToString() is { Length: > 0 } text
            ? EpochHistory.Parse(text)
            : EpochHistory.Initial;
        if (history is null || history[^1].Epoch > epoch)
            return (0, Problems.BadRequest(ErrorCodes.InvalidBatch, $"{ReplicationProtocol.EpochsHeader} is not an epoch history ending at or before epoch {epoch}."));

        return await applier.FollowLeaderAsync(logId, epoch, history, cancellationToken)
            ? (epoch, null)
            : (0, StaleEpoch(http, node, epoch));
    }

    private static ProblemHttpResult StaleEpoch(HttpContext http, NodeContext node, long epoch)
    {
        var known = node.Epochs.Current;
        http.Response.Headers[ReplicationProtocol.EpochHeader] = known.ToString(CultureInfo.InvariantCulture);
        return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.StaleEpoch,
            $"{node.Name} knows epoch {known}; a leader of epoch {epoch} has been deposed and may not replicate here.",
            ("epoch", known), ("leaderEpoch", epoch));
    }

    private static async Task<ReadOnlyMemory<byte>> ReadBodyAsync(HttpContext http, CancellationToken cancellationToken)
    {
        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxMessageBytes;
        using var body = new MemoryStream(http.Request.ContentLength is { } length and < MaxMessageBytes ? (int)length : 4096);
        await http.Request.Body.CopyToAsync(body, cancellationToken);
        return body.GetBuffer().AsMemory(0, (int)body.Length);
    }
}
