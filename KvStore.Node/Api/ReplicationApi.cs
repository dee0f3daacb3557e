using System.Security.Cryptography;
using System.Text;
using KvStore.Node.Replication;
using Microsoft.AspNetCore.Http.Features;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Api;

/// <summary>
/// The internal API between leader and followers, kept apart from the client API. Only a caller holding
/// REPLICATION_TOKEN can change a follower's data, and only through the leader's ordered log.
/// </summary>
public static class ReplicationApi
{
    private const long MaxMessageBytes = 256L * 1024 * 1024;

    public static IEndpointRouteBuilder MapReplicationApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("").WithTags("Replication (internal)").MapPost(ReplicationProtocol.Path, Replicate);
        return app;
    }

    public static async Task<Results<Ok<ReplicateResponse>, ProblemHttpResult>> Replicate(
        HttpContext http, NodeContext node, ReplicationSecret secret, CancellationToken cancellationToken)
    {
        if (!secret.Matches(http.Request.Headers.Authorization.ToString()))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized,
                "Replication needs 'Authorization: Bearer <REPLICATION_TOKEN>'.");
        }

        if (node.Applier is not { } applier)
        {
            return Problems.Create(StatusCodes.Status403Forbidden, ErrorCodes.NotFollower,
                $"{node.Name} is the leader; it does not accept replication.");
        }

        if (http.Request.ContentType != LogRecordCodec.ContentType)
        {
            return Problems.Create(StatusCodes.Status415UnsupportedMediaType, ErrorCodes.UnsupportedMediaType,
                $"Replication messages are {LogRecordCodec.ContentType}.");
        }

        if (!Guid.TryParse(http.Request.Headers[ReplicationProtocol.LogIdHeader], out var logId) || logId == Guid.Empty)
            return Problems.BadRequest(ErrorCodes.MissingLogId, $"Replication messages carry the leader's {ReplicationProtocol.LogIdHeader}.");

        if (http.Features.Get<IHttpMaxRequestBodySizeFeature>() is { IsReadOnly: false } limit)
            limit.MaxRequestBodySize = MaxMessageBytes;
        using var body = new MemoryStream(http.Request.ContentLength is { } length and < MaxMessageBytes ? (int)length : 4096);
        await http.Request.Body.CopyToAsync(body, cancellationToken);

        // Decoded whole before anything is applied: a damaged message changes nothing.
        if (LogRecordCodec.ReadAll(body.GetBuffer().AsSpan(0, (int)body.Length)) is not { } entries)
            return Problems.BadRequest(ErrorCodes.InvalidBatch, "The message is truncated or fails its checksum; nothing was applied.");

        var (applied, gap) = await applier.ApplyAsync(logId, entries, cancellationToken);
        if (gap)
        {
            return Problems.Create(StatusCodes.Status409Conflict, ErrorCodes.LogGap,
                $"{node.Name} has applied up to {applied}; resend from {applied + 1}.",
                ("node", node.Name), ("appliedIndex", applied));
        }

        return TypedResults.Ok(new ReplicateResponse(node.Name, applied));
    }
}

/// <summary>REPLICATION_TOKEN, compared in constant time.</summary>
public sealed class ReplicationSecret(string token)
{
    private readonly byte[] _expected = Encoding.UTF8.GetBytes("Bearer " + token);

    public bool Matches(string authorization) =>
        CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(authorization), _expected);
}
