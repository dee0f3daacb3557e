using KvStore.AppHost.Telemetry.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.AppHost.Telemetry.Api;

/// <summary>
/// <c>/api/traces</c>: the stored traces, newest first, filtered by resource (service.name) and minimum duration;
/// <c>/api/traces/{id}</c>: one trace with its spans in waterfall order.
/// </summary>
internal static class TracesApi
{
    private const int MaxLimit = 1_000;

    public static IEndpointRouteBuilder MapTracesApi(this IEndpointRouteBuilder app)
    {
        var traces = app.MapGroup("/api/traces").RequireAuthorization().WithTags("Traces");
        traces.MapGet("/", List);
        traces.MapGet("/{traceId}", Get);
        return app;
    }

    /// <param name="includeSpans">False for the list page, which shows each trace's summary only.</param>
    public static Ok<TraceList> List(TraceStore store, string? resource, double minDurationMs = 0, int limit = 100, bool includeSpans = true)
    {
        var traces = store.Query(string.IsNullOrEmpty(resource) ? null : resource, minDurationMs, Math.Clamp(limit, 1, MaxLimit));
        return TypedResults.Ok(new TraceList(includeSpans ? traces : [.. traces.Select(t => t with { Spans = [] })], store.Resources()));
    }

    public static Results<Ok<TraceView>, NotFound> Get(string traceId, TraceStore store) =>
        store.Get(traceId.ToLowerInvariant()) is { } trace ? TypedResults.Ok(trace) : TypedResults.NotFound();
}

/// <summary>The traces asked for, and every resource with stored spans (for the page's filter).</summary>
public sealed record TraceList(IReadOnlyList<TraceView> Traces, IReadOnlyList<string> Resources);
