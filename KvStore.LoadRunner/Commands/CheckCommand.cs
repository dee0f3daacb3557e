using System.CommandLine;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Diagnostics;
using KvStore.LoadRunner.Reporting;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary><c>check</c>: is every follower's <c>/data</c> the leader's? Exit 0 if so, 1 with a diff otherwise.</summary>
internal static class CheckCommand
{
    public static Command Create(CommandContext context)
    {
        var leader = CliOptions.Leader();
        var settle = CliOptions.Settle(TimeSpan.Zero,
            "Keep comparing for up to this long until the followers converge; 0 compares once, now.");
        var requestTimeout = CliOptions.RequestTimeout();
        var command = new Command("check", "Compare every node's /data with the leader's; exit 0 when identical, 1 with a per-follower diff otherwise.")
        {
            leader, settle, requestTimeout,
        };
        command.SetAction((parse, cancellationToken) =>
            RunAsync(context, parse.GetValue(leader), parse.GetValue(settle), parse.GetValue(requestTimeout), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(CommandContext context, string? leader, TimeSpan settle, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        using var connection = await ClusterConnection.OpenAsync(context, leader, loadClients: 1, requestTimeout, cancellationToken);
        using var activity = LoadRunnerTelemetry.Source.StartActivity("check");
        var checker = new ConsistencyChecker(connection.Client, connection.Topology);
        var (report, convergedAfter) = await checker.WaitForConvergenceAsync(settle, cancellationToken);
        var nodes = report.Followers.Count + 1;
        if (report.IsConsistent)
        {
            var after = convergedAfter > TimeSpan.Zero && settle > TimeSpan.Zero ? $" (converged after {Format.Ms(convergedAfter.Value.TotalMilliseconds)} ms)" : "";
            context.Console.WriteLine($"consistent: all {nodes} nodes hold the same {report.LeaderKeys} keys at applied index {report.LeaderAppliedIndex}{after}");
            return ExitCodes.Success;
        }

        context.Console.WriteLine($"INCONSISTENT: {report.Followers.Count - report.MatchingFollowers} of {report.Followers.Count} followers " +
            $"differ from the leader {connection.Leader} (applied index {report.LeaderAppliedIndex}, {report.LeaderKeys} keys)" +
            (settle > TimeSpan.Zero ? $" after {Format.Seconds(settle.TotalSeconds)} s" : ""));
        DiffConsole.Print(context.Console, report);
        return ExitCodes.Findings;
    }
}
