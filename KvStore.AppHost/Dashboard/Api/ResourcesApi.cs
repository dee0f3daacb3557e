using System.Globalization;
using System.Text;
using KvStore.AppHost.Orchestration;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.AppHost.Dashboard.Api;

/// <summary>
/// <c>/api/resources</c>: every resource's state, start/stop/restart, and console logs (paged by sequence number for
/// live views, or whole as a download).
/// </summary>
internal static class ResourcesApi
{
    private const int MaxLogPage = 5_000;

    public static IEndpointRouteBuilder MapResourcesApi(this IEndpointRouteBuilder app)
    {
        var resources = app.MapGroup("/api/resources").RequireAuthorization().WithTags("Resources");
        resources.MapGet("/", List);
        resources.MapGet("/{name}", Get);
        resources.MapPost("/{name}/start", Start);
        resources.MapPost("/{name}/stop", Stop);
        resources.MapPost("/{name}/restart", Restart);
        resources.MapGet("/{name}/logs", Logs);
        resources.MapGet("/{name}/logs/download", DownloadLogs);
        return app;
    }

    public static Ok<IReadOnlyList<ResourceSnapshot>> List(Orchestrator orchestrator) => TypedResults.Ok(orchestrator.Snapshots());

    public static Results<Ok<ResourceSnapshot>, NotFound> Get(string name, Orchestrator orchestrator) =>
        orchestrator.Snapshot(name) is { } snapshot ? TypedResults.Ok(snapshot) : TypedResults.NotFound();

    public static async Task<Results<Ok<ResourceSnapshot>, ProblemHttpResult>> Start(string name, Orchestrator orchestrator) =>
        ToResult(await orchestrator.StartResourceAsync(name));

    public static async Task<Results<Ok<ResourceSnapshot>, ProblemHttpResult>> Stop(string name, Orchestrator orchestrator) =>
        ToResult(await orchestrator.StopResourceAsync(name));

    public static async Task<Results<Ok<ResourceSnapshot>, ProblemHttpResult>> Restart(string name, Orchestrator orchestrator) =>
        ToResult(await orchestrator.RestartResourceAsync(name));

    /// <summary>Lines after sequence number <paramref name="after"/>; poll with the answer's <c>last</c> to follow the log.</summary>
    public static Results<Ok<ResourceLogs>, NotFound> Logs(string name, Orchestrator orchestrator, long after = 0, int limit = 1_000)
    {
        if (orchestrator.Logs(name) is not { } logs)
            return TypedResults.NotFound();
        var page = logs.Read(Math.Max(0, after), Math.Clamp(limit, 1, MaxLogPage));
        return TypedResults.Ok(new ResourceLogs(name, page.Lines, page.Last, page.Skipped));
    }

    public static Results<FileContentHttpResult, NotFound> DownloadLogs(string name, Orchestrator orchestrator, RunContext run)
    {
        if (orchestrator.Logs(name) is not { } logs)
            return TypedResults.NotFound();

        var text = new StringBuilder();
        foreach (var line in logs.Read(0, int.MaxValue).Lines)
            text.Append(CultureInfo.InvariantCulture, $"{line.Time:yyyy-MM-ddTHH:mm:ss.fffZ} {line.Source.ToString().ToLowerInvariant(),-6} {line.Text}\n");
        return TypedResults.File(Encoding.UTF8.GetBytes(text.ToString()), "text/plain; charset=utf-8", $"{name}-{run.RunId}.log");
    }

    private static Results<Ok<ResourceSnapshot>, ProblemHttpResult> ToResult(ResourceCommandResult result) => result.Outcome switch
    {
        ResourceCommandOutcome.Done => TypedResults.Ok(result.Resource!),
        ResourceCommandOutcome.NotFound => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status404NotFound),
        ResourceCommandOutcome.Conflict => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status409Conflict),
        _ => TypedResults.Problem(result.Error, statusCode: StatusCodes.Status500InternalServerError, title: "The resource could not be started"),
    };
}

public sealed record ResourceLogs(string Resource, IReadOnlyList<LogLine> Lines, long Last, long Skipped);
