using System.Diagnostics;
using System.Reflection;
using KvStore.AppHost.Failover;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Commands;

/// <summary>
/// "Check consistency" on the leader: runs the load runner's <c>check</c> (every node's <c>/data</c> against the
/// leader's, after letting in-flight replication settle) and answers with its verdict in the dashboard.
/// </summary>
public static partial class ConsistencyCheckCommand
{
    public const string Name = "check-consistency";
    private static readonly TimeSpan Limit = TimeSpan.FromSeconds(60);

    public static IResourceBuilder<ProjectResource> WithConsistencyCheck(this IResourceBuilder<ProjectResource> leader) =>
        leader.WithCommand(Name, "Check consistency", context => RunAsync(leader.Resource.Name, context), new CommandOptions
        {
            Description = "Compare every node's data with the current leader's (the load runner's check)",
            IconName = "CheckmarkCircle",
            UpdateState = state => state.ResourceSnapshot.HealthStatus == Microsoft.Extensions.Diagnostics.HealthChecks.HealthStatus.Healthy
                ? ResourceCommandState.Enabled
                : ResourceCommandState.Disabled,
        });

    /// <summary>Checks against the node that leads now: after a failover, not necessarily <paramref name="resource"/>, which offers the command.</summary>
    private static async Task<ExecuteCommandResult> RunAsync(string resource, ExecuteCommandContext context)
    {
        var current = await context.Services.GetRequiredService<ClusterProbe>().FindLeaderAsync(context.CancellationToken);
        if (current is null)
            return CommandResults.Failure("no node leads right now (an election is under way, or too few nodes run to elect one); try again shortly");
        var leaderUrl = current.Url.GetLeftPart(UriPartial.Authority);

        // The load runner runs as DCP runs every project: built already, in the AppHost's configuration.
        var configuration = typeof(ConsistencyCheckCommand).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()?.Configuration ?? "Debug";
        var start = new ProcessStartInfo("dotnet")
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            ArgumentList =
            {
                "run", "--project", new Projects.KvStore_LoadRunner().ProjectPath, "--no-build", "--configuration", configuration,
                "--", "check", "--leader", leaderUrl, "--settle", "5s",
            },
        };

        using var process = Process.Start(start) ?? throw new InvalidOperationException("dotnet did not start");
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(context.CancellationToken);
        timeout.CancelAfter(Limit);
        var output = process.StandardOutput.ReadToEndAsync(timeout.Token);
        var errors = process.StandardError.ReadToEndAsync(timeout.Token);
        try
        {
            await process.WaitForExitAsync(timeout.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            return CommandResults.Failure($"the check did not finish within {Limit.TotalSeconds:0} s");
        }

        var text = (await output).Trim();
        foreach (var line in text.Split('\n', StringSplitOptions.TrimEntries))
            CheckOutput(context.Logger, line);
        var verdict = text.Split('\n')[0].Trim() + (current.Name == resource ? "" : $" (against {current.Name}, the current leader)");
        return process.ExitCode switch
        {
            0 => CommandResults.Success(verdict),
            1 => CommandResults.Failure(verdict),
            _ => CommandResults.Failure($"the load runner's check failed (exit {process.ExitCode}): {(await errors).Trim()}"),
        };
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "{Line}")]
    private static partial void CheckOutput(ILogger logger, string line);
}
