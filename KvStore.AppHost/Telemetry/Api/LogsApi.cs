using KvStore.AppHost.Telemetry.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.AppHost.Telemetry.Api;

/// <summary><c>/api/logs</c>: structured log records received over OTLP, newest first.</summary>
internal static class LogsApi
{
    private const int MaxLimit = 5_000;

    public static IEndpointRouteBuilder MapLogsApi(this IEndpointRouteBuilder app)
    {
        app.MapGroup("/api/logs").RequireAuthorization().WithTags("Structured logs").MapGet("/", List);
        return app;
    }

    /// <param name="minSeverity">OTLP severity number: 9 Information, 13 Warning, 17 Error.</param>
    public static Ok<IReadOnlyList<LogEntry>> List(
        LogStore store, string? resource, string? search, string? traceId, int minSeverity = 0, int limit = 500) =>
        TypedResults.Ok(store.Query(new LogQuery(
            string.IsNullOrEmpty(resource) ? null : resource,
            minSeverity,
            string.IsNullOrEmpty(search) ? null : search,
            string.IsNullOrEmpty(traceId) ? null : traceId,
            Math.Clamp(limit, 1, MaxLimit))));
}
