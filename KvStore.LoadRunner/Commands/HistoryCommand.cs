using System.CommandLine;
using KvStore.LoadRunner.History;
using KvStore.LoadRunner.Load;
using KvStore.LoadRunner.Reporting;

namespace KvStore.LoadRunner.Commands;

/// <summary>
/// <c>history</c>: record a history of writes, compare-and-sets and reads from concurrent clients and check it:
/// linearizable per key on the leader, read-your-writes on the followers. Exit 0 when it holds, 1 on a violation.
/// </summary>
internal static class HistoryCommand
{
    public static Command Create(CommandContext context)
    {
        var leader = CliOptions.Leader();
        var clients = CliOptions.Count("--clients", 4, "Concurrent clients.");
        var ops = CliOptions.Count("--ops", 150, "Operations each client makes, one after another.");
        var keys = CliOptions.Count("--keys", 3, "Distinct keys (fresh ones each run): few, so that clients contend on them.");
        var quorum = new Option<int?>("--quorum") { Description = "Write quorum of every write (default: the cluster's).", HelpName = "k" };
        var seed = CliOptions.Count("--seed", Environment.TickCount & 0xFFFF, "Seed of the clients' choices of key and operation.", min: 0);
        var output = new Option<DirectoryInfo?>("--out") { Description = "Directory to write history.json to (the recorded history and its verdict).", HelpName = "dir" };
        var requestTimeout = CliOptions.RequestTimeout();
        var command = new Command("history", "Record concurrent writes, CAS and reads and check them: linearizable per key on the leader, " +
            "read-your-writes on followers; exit 0 when they hold, 1 with the smallest failing sub-history otherwise.")
        {
            leader, clients, ops, keys, quorum, seed, output, requestTimeout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(
            context, parse.GetValue(leader), parse.GetValue(requestTimeout), parse.GetValue(output),
            new HistoryPlan(parse.GetValue(clients), parse.GetValue(ops), parse.GetValue(keys), "", parse.GetValue(quorum), parse.GetValue(seed)),
            cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CommandContext context, string? leader, TimeSpan requestTimeout, DirectoryInfo? output, HistoryPlan plan, CancellationToken cancellationToken)
    {
        if (output is not null)
            ReportFiles.EnsureWritable(output);
        using var connection = await ClusterConnection.OpenAsync(context, leader, plan.Clients, requestTimeout, cancellationToken);
        if (plan.Quorum is { } q)
        {
            if (q < 0)
                throw new UsageException($"--quorum must be at least 0 (got {q}).");
            connection.EnsureQuorumPossible(q, "--quorum");
        }

        // Keys nobody wrote before: the checker assumes each key starts absent.
        plan = plan with { KeyPrefix = $"history-{Guid.NewGuid():N}"[..20] + "-" };
        var history = await HistoryRun.RecordAsync(connection.Client, connection.Topology.Followers, plan, cancellationToken);
        var verdict = HistoryChecker.Check(history.LeaderOps, history.FollowerReads);
        HistoryConsole.Print(context.Console, plan, history, verdict);
        if (output is not null)
            await ReportFiles.WriteAsync(output, "history.json", HistoryReport.Json(plan, history, verdict));
        return verdict.Passed ? ExitCodes.Success : ExitCodes.Findings;
    }
}
