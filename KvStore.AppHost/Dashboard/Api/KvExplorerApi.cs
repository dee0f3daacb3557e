using System.Net.Http.Json;
using System.Text.Json;
using KvStore.AppHost.Hosting;
using KvStore.AppHost.Orchestration;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Dashboard.Api;

/// <summary>
/// <c>/api/kv</c>: the KV explorer's calls, made by the AppHost on the page's behalf (the nodes serve no CORS, and the
/// page should not need to know their ports). Writes go through the leader; reads ask every node with an HTTP endpoint.
/// </summary>
internal static class KvExplorerApi
{
    public const string HttpClientName = "kv-explorer";

    public static IEndpointRouteBuilder MapKvExplorerApi(this IEndpointRouteBuilder app)
    {
        var kv = app.MapGroup("/api/kv").RequireAuthorization().WithTags("KV explorer");
        kv.MapPost("/write", Write);
        kv.MapGet("/read", Read);
        kv.MapGet("/data", Data);
        return app;
    }

    /// <summary>Forwards <c>{"key","value"}</c> to the leader's <c>POST /write</c> and answers with the leader's status and body.</summary>
    public static async Task<Results<ContentHttpResult, ProblemHttpResult>> Write(
        JsonElement body, IHttpClientFactory clients, RunContext run, DistributedApplicationModel model,
        IOptions<DashboardOptions> options, CancellationToken cancellationToken)
    {
        var leader = options.Value.KvWriteResource;
        if (Nodes(model).FirstOrDefault(n => n.Name == leader) is null)
            return TypedResults.Problem($"the write resource '{leader}' has no http endpoint", statusCode: StatusCodes.Status500InternalServerError);

        try
        {
            using var response = await clients.CreateClient(HttpClientName)
                .PostAsJsonAsync(run.EndpointUrl(leader, "http") + "/write", body, cancellationToken);
            var content = await response.Content.ReadAsStringAsync(cancellationToken);
            return TypedResults.Content(content, response.Content.Headers.ContentType?.ToString() ?? "application/json", statusCode: (int)response.StatusCode);
        }
        catch (HttpRequestException e)
        {
            return TypedResults.Problem($"{leader} is not reachable: {e.Message}", statusCode: StatusCodes.Status502BadGateway);
        }
    }

    /// <summary><c>GET /read?key=</c> on every node at once: the value and version each one has.</summary>
    public static async Task<Ok<IReadOnlyList<NodeAnswer>>> Read(
        string key, IHttpClientFactory clients, RunContext run, DistributedApplicationModel model, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AskEveryNodeAsync(clients, run, model, "/read?key=" + Uri.EscapeDataString(key), cancellationToken));

    /// <summary>Every node's <c>GET /data</c>, so the page can lay the replicas side by side.</summary>
    public static async Task<Ok<IReadOnlyList<NodeAnswer>>> Data(
        IHttpClientFactory clients, RunContext run, DistributedApplicationModel model, CancellationToken cancellationToken) =>
        TypedResults.Ok(await AskEveryNodeAsync(clients, run, model, "/data", cancellationToken));

    private static async Task<IReadOnlyList<NodeAnswer>> AskEveryNodeAsync(
        IHttpClientFactory clients, RunContext run, DistributedApplicationModel model, string pathAndQuery, CancellationToken cancellationToken)
    {
        var client = clients.CreateClient(HttpClientName);
        var answers = Nodes(model).Select(async node =>
        {
            var url = run.EndpointUrl(node.Name, "http");
            try
            {
                using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
                timeout.CancelAfter(TimeSpan.FromSeconds(3));
                using var response = await client.GetAsync(url + pathAndQuery, timeout.Token);
                var text = await response.Content.ReadAsStringAsync(timeout.Token);
                JsonElement? json = text.Length > 0 ? JsonDocument.Parse(text).RootElement.Clone() : null;
                return new NodeAnswer(node.Name, url, (int)response.StatusCode, json, null);
            }
            catch (Exception e) when (e is HttpRequestException or JsonException || e is OperationCanceledException && !cancellationToken.IsCancellationRequested)
            {
                return new NodeAnswer(node.Name, url, null, null, e is OperationCanceledException ? "timed out" : e.Message);
            }
        });
        return await Task.WhenAll(answers);
    }

    private static IEnumerable<ProjectResource> Nodes(DistributedApplicationModel model) =>
        model.Projects.Where(p => p.FindEndpoint("http") is not null);
}

/// <summary>One node's answer: its HTTP status and JSON body, or why there is none.</summary>
public sealed record NodeAnswer(string Resource, string Url, int? Status, JsonElement? Body, string? Error);
