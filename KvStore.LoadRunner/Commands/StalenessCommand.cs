using System.CommandLine;
using KvStore.LoadRunner.Load;
using KvStore.LoadRunner.Reporting;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary>
/// <c>staleness</c>: per write quorum, how often a follower read right after the acknowledgement misses the write,
/// by how much and for how long, and whether a client's reads ever go backwards; once more with min_version, which
/// must never be stale. Exit 1 when it is, or when requests failed.
/// </summary>
internal static class StalenessCommand
{
    public static Command Create(CommandContext context)
    {
        var leader = CliOptions.Leader();
        var clients = CliOptions.Count("--clients", 4, "Concurrent clients per quorum, each writing its own key.");
        var writes = CliOptions.Count("--writes", 60, "Writes (each followed by a follower read) per client and quorum.");
        var quorums = new Option<IReadOnlyList<int>>("--quorums")
        {
            Description = "Write quorums to measure: a range and/or list such as 0-5 or 1,3,5.",
            HelpName = "list",
            DefaultValueFactory = _ => [0, 1, 2, 3, 4, 5],
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (QuorumListParser.TryParse(text, out var list, out var error))
                    return list;
                result.AddError($"--quorums: {error}.");
                return [];
            },
        };
        var minVersionQuorum = CliOptions.Count("--min-version-quorum", 1, "Quorum of the extra pass whose reads carry min_version.", min: 0);
        var output = CliOptions.Out("staleness.json, staleness.md, staleness.svg and staleness.png");
        var minDelay = CliOptions.Seconds("--min-delay", CliOptions.SecondsSetting(context.Configuration, "MIN_DELAY", 0.0001),
            "The cluster's configured lag minimum in seconds, for the report's caption (default: MIN_DELAY if set).");
        var maxDelay = CliOptions.Seconds("--max-delay", CliOptions.SecondsSetting(context.Configuration, "MAX_DELAY", 0.001),
            "The cluster's configured lag maximum in seconds, for the report's caption (default: MAX_DELAY if set).");
        var requestTimeout = CliOptions.RequestTimeout();
        var command = new Command("staleness", "Measure stale follower reads right after acknowledged writes, per write quorum and with min_version.")
        {
            leader, clients, writes, quorums, minVersionQuorum, output, minDelay, maxDelay, requestTimeout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetValue(leader), parse.GetValue(clients), parse.GetValue(writes),
            parse.GetValue(quorums)!, parse.GetValue(minVersionQuorum), parse.GetValue(output)!, parse.GetValue(minDelay), parse.GetValue(maxDelay),
            parse.GetValue(requestTimeout), cancellationToken));
        return command;
    }

    private static async Task<int> RunAsync(
        CommandContext context, string? leader, int clients, int writes, IReadOnlyList<int> quorums, int minVersionQuorum, DirectoryInfo output,
        double minDelay, double maxDelay, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        ReportFiles.EnsureWritable(output);
        using var connection = await ClusterConnection.OpenAsync(context, leader, clients, requestTimeout, cancellationToken);
        foreach (var q in quorums.Append(minVersionQuorum))
            connection.EnsureQuorumPossible(q, "--quorums/--min-version-quorum");

        var passes = quorums.Select(q => (Quorum: q, MinVersion: false)).Append((minVersionQuorum, true));
        var rows = new List<StalenessRow>();
        foreach (var (quorum, withMinVersion) in passes)
        {
            // Fresh keys per pass, so a pass never reads what an earlier one wrote.
            var prefix = $"staleness-{Guid.NewGuid():N}"[..18] + "-";
            var samples = await StalenessRun.RunAsync(connection.Client, connection.Topology.Followers,
                new StalenessPass(quorum, withMinVersion, clients, writes, prefix), cancellationToken);
            var row = StalenessRow.From(samples);
            rows.Add(row);
            context.Console.WriteLine($"quorum {row.Label}: {row.Stale} of {row.Reads} reads stale ({Format.Seconds(row.StaleShare * 100)} %), " +
                $"versions behind mean {(row.MeanVersionsBehind is { } b ? Format.Seconds(b) : "—")}, " +
                $"caught up after mean {(row.MeanCatchUpMs is { } c ? Format.Ms(c) : "—")} ms, monotonic-read violations {row.MonotonicReadViolations}, " +
                $"write mean {Format.Ms(row.WriteMeanMs)} ms p99 {Format.Ms(row.WriteP99Ms)} ms, errors {row.WriteErrors + row.ReadErrors}");
        }

        var report = new StalenessReport(
            new StalenessSettings(connection.Leader.ToString(), connection.Topology.Followers.Count, clients, writes, minDelay, maxDelay), rows);
        var subtitle = $"{clients} clients × {writes} writes per quorum, {report.Settings.Followers} followers, " +
            $"lag uniform({Format.Lag(minDelay)}, {Format.Lag(maxDelay)})";
        var json = await ReportFiles.WriteAsync(output, "staleness.json", report.Json());
        var markdown = await ReportFiles.WriteAsync(output, "staleness.md", report.Markdown("staleness.svg"));
        var plot = await ReportFiles.WriteAsync(output, "staleness.svg", StalenessPlot.Render(rows, subtitle));
        context.Console.WriteLine($"wrote {json}, {markdown}, {plot}");

        var broken = rows.Where(r => r.MinVersion && r.Stale > 0).ToArray();
        if (broken.Length > 0)
            context.Console.WriteLine($"VIOLATION: {broken.Sum(r => r.Stale)} read(s) with min_version returned an older version (exit 1)");
        var errors = rows.Sum(r => r.WriteErrors + r.ReadErrors);
        if (errors > 0)
            context.Console.WriteLine($"{errors} request(s) failed (exit 1)");
        return broken.Length == 0 && errors == 0 ? ExitCodes.Success : ExitCodes.Findings;
    }
}
