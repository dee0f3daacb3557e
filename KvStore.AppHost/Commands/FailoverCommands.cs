using System.Net.Http.Headers;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.AppHost.Failover;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.AppHost.Commands;

/// <summary>
/// "Promote" (POST /admin/promote, on a follower) and "Step down" (POST /admin/step-down, on the leader) on a node
/// under FAILOVER=manual or etcd. Each is enabled only while the node's <c>kv.role</c> (published by
/// <see cref="ClusterStatusPublisher"/>) is the role the call needs; a refusal answers the node's problem+json detail
/// and code, and changed nothing unless that detail says otherwise.
/// </summary>
public static class FailoverCommands
{
    public const string Promote = "promote";
    public const string StepDown = "step-down";

    // A step-down waits up to 5 s for a caught-up follower and then for the election; a promotion fences five peers.
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(30);

    public static IResourceBuilder<ProjectResource> WithFailoverCommands(this IResourceBuilder<ProjectResource> node, IResourceBuilder<ParameterResource> token)
    {
        node.WithCommand(Promote, "Promote", context => PostAsync(node.Resource, token.Resource, "/admin/promote", context, DescribePromotion), new CommandOptions
        {
            Description = "Make this follower the leader of a new epoch (POST /admin/promote)",
            IconName = "ArrowCircleUp",
            UpdateState = state => RoleIs(state, "follower"),
        });
        node.WithCommand(StepDown, "Step down", context => PostAsync(node.Resource, token.Resource, "/admin/step-down", context, DescribeStepDown), new CommandOptions
        {
            Description = "Hand leadership to a caught-up follower (POST /admin/step-down)",
            IconName = "ArrowCircleDown",
            ConfirmationMessage = "Writes pause until a follower that holds the whole log leads. Step down?",
            UpdateState = state => RoleIs(state, "leader"),
        });
        return node;
    }

    private static ResourceCommandState RoleIs(UpdateCommandStateContext state, string role) =>
        state.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy &&
        state.ResourceSnapshot.Properties.Any(p => p.Name == ClusterStatusPublisher.RoleProperty && Equals(p.Value, role))
            ? ResourceCommandState.Enabled
            : ResourceCommandState.Disabled;

    private static async Task<ExecuteCommandResult> PostAsync(ProjectResource node, ParameterResource token, string path,
        ExecuteCommandContext context, Func<JsonElement, ClusterProbe, string> describe)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(Limit);
        using var request = new HttpRequestMessage(HttpMethod.Post, new Uri(ClusterProbe.UrlOf(node), path));
        request.Headers.Authorization = new AuthenticationHeaderValue("Bearer", await token.GetValueAsync(timeout.Token));
        try
        {
            using var response = await ClusterProbe.Http.SendAsync(request, timeout.Token);
            var body = response.Content.Headers.ContentType?.MediaType is { } type && type.EndsWith("json", StringComparison.Ordinal)
                ? await response.Content.ReadFromJsonAsync<JsonElement>(timeout.Token)
                : default;
            if (!response.IsSuccessStatusCode)
                return CommandResults.Failure(ProblemText(response, body));
            return CommandResults.Success(describe(body, context.Services.GetRequiredService<ClusterProbe>()));
        }
        catch (Exception e) when (e is HttpRequestException or JsonException || (e is OperationCanceledException && !context.CancellationToken.IsCancellationRequested))
        {
            return CommandResults.Failure($"{node.Name} did not answer {path} within {Limit.TotalSeconds:0} s: {e.Message}");
        }
        finally
        {
            // The dashboard shows the new roles at once, not at the next poll.
            context.Services.GetService<ClusterStatusPublisher>()?.Poke();
        }
    }

    /// <summary>The node's problem+json as one line: its detail, then its stable code.</summary>
    private static string ProblemText(HttpResponseMessage response, JsonElement body)
    {
        string? Field(string name) => body.ValueKind == JsonValueKind.Object && body.TryGetProperty(name, out var v) && v.ValueKind == JsonValueKind.String ? v.GetString() : null;
        var detail = Field("detail") ?? Field("title") ?? response.ReasonPhrase ?? "refused";
        return Field("code") is { } code ? $"{detail} ({code})" : $"{detail} (HTTP {(int)response.StatusCode})";
    }

    // PromoteResponse(Node, Epoch, LastIndex, Heard, Required)
    private static string DescribePromotion(JsonElement body, ClusterProbe probe) =>
        $"{body.GetProperty("node").GetString()} leads epoch {body.GetProperty("epoch").GetInt64()} from index {body.GetProperty("lastIndex").GetInt64()} " +
        $"(heard from {body.GetProperty("heard").GetInt32()} nodes, {body.GetProperty("required").GetInt32()} required)";

    // StepDownResponse(Node, NewLeader, Epoch): NewLeader is a URL; the dashboard knows nodes by name.
    private static string DescribeStepDown(JsonElement body, ClusterProbe probe)
    {
        var newLeader = body.GetProperty("newLeader").GetString();
        var named = probe.Nodes.FirstOrDefault(n => n.GetEndpoint("http").IsAllocated &&
            Uri.TryCreate(newLeader, UriKind.Absolute, out var uri) && ClusterProbe.UrlOf(n).Port == uri.Port)?.Name;
        return $"{body.GetProperty("node").GetString()} stepped down: {named ?? newLeader} leads epoch {body.GetProperty("epoch").GetInt64()}";
    }
}
