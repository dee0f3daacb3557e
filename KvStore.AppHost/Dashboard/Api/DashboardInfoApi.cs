using KvStore.AppHost.Orchestration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Dashboard.Api;

/// <summary><c>GET /api/info</c>: this run, for the pages' header and the telemetry placeholders.</summary>
internal static class DashboardInfoApi
{
    public static IEndpointRouteBuilder MapDashboardInfoApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/api/info", Info).RequireAuthorization();
        return app;
    }

    public static Ok<DashboardInfo> Info(RunContext run, IOptions<DashboardOptions> options) =>
        TypedResults.Ok(new DashboardInfo(run.RunId, run.StateDirectory, options.Value.OtlpGrpcUrl, options.Value.OtlpHttpUrl, options.Value.KvWriteResource));
}

public sealed record DashboardInfo(string RunId, string StateDirectory, string OtlpGrpcUrl, string OtlpHttpUrl, string KvWriteResource);
