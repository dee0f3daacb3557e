using KvStore.Node.Failover;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.Node.Api;

/// <summary>
/// Failover administration (FAILOVER=manual), every call authenticated with <c>Authorization: Bearer REPLICATION_TOKEN</c>:
/// promote a follower, step the leader down, and the two calls a candidate makes to its peers (position, fence).
/// Refusals are 409 with a stable code; a refused promotion has changed nothing unless its detail says otherwise.
/// </summary>
public static class AdminApi
{
    public static IEndpointRouteBuilder MapAdminApi(this IEndpointRouteBuilder app)
    {
        var admin = app.MapGroup("/admin").WithTags("Failover (admin)");
        admin.MapPost("/promote", Promote);
        admin.MapPost("/step-down", StepDown);
        admin.MapGet("/position", Position);
        admin.MapPost("/fence", Fence);
        return app;
    }

    public static async Task<Results<Ok<PromoteResponse>, ProblemHttpResult>> Promote(HttpContext http, ReplicationSecret secret,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Refuse(http, secret, services, out var controller) is { } refused)
            return refused;
        var (promoted, code, detail) = await controller!.PromoteAsync(cancellationToken);
        return promoted is not null ? TypedResults.Ok(promoted) : Problems.Create(StatusCodes.Status409Conflict, code!, detail);
    }

    public static async Task<Results<Ok<StepDownResponse>, ProblemHttpResult>> StepDown(HttpContext http, ReplicationSecret secret,
        NodeContext node, IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Refuse(http, secret, services, out var controller) is { } refused)
            return refused;
        var (done, code, detail) = await controller!.StepDownAsync(cancellationToken);
        if (done is not null)
            return TypedResults.Ok(done);
        return code == ErrorCodes.NotLeader ? Problems.NotLeader(node) : Problems.Create(StatusCodes.Status409Conflict, code!, detail);
    }

    public static Results<Ok<PositionResponse>, ProblemHttpResult> Position(HttpContext http, ReplicationSecret secret, IServiceProvider services) =>
        Refuse(http, secret, services, out var controller) is { } refused ? refused : TypedResults.Ok(controller!.Describe());

    public static async Task<Results<Ok<FenceResponse>, ProblemHttpResult>> Fence(long? epoch, HttpContext http, ReplicationSecret secret,
        IServiceProvider services, CancellationToken cancellationToken)
    {
        if (Refuse(http, secret, services, out var controller) is { } refused)
            return refused;
        if (epoch is not > 0)
            return Problems.BadRequest(ErrorCodes.InvalidBatch, "POST /admin/fence takes ?epoch=N, a positive integer.");
        return TypedResults.Ok(await controller!.FenceAsync(epoch.Value, cancellationToken));
    }

    private static ProblemHttpResult? Refuse(HttpContext http, ReplicationSecret secret, IServiceProvider services, out FailoverController? controller)
    {
        controller = null;
        if (!secret.Matches(http.Request.Headers.Authorization.ToString()))
        {
            http.Response.Headers.WWWAuthenticate = "Bearer";
            return Problems.Create(StatusCodes.Status401Unauthorized, ErrorCodes.Unauthorized, "Admin calls need 'Authorization: Bearer <REPLICATION_TOKEN>'.");
        }

        controller = services.GetService<FailoverController>();
        return controller is null
            ? Problems.Create(StatusCodes.Status409Conflict, FailoverCodes.FailoverOff, "This node runs with FAILOVER=off: its role is fixed by ROLE.")
            : null;
    }
}
