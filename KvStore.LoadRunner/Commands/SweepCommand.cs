using System.CommandLine;

namespace KvStore.LoadRunner.Commands;

/// <summary>What <c>sweep</c> was asked to do, once parsed and validated.</summary>
internal sealed record SweepOptions(
    string? Leader,
    int Clients,
    int Writes,
    int Keys,
    int Warmup,
    IReadOnlyList<int> Quorums,
    DirectoryInfo Out,
    double MinDelay,
    double MaxDelay,
    TimeSpan Settle,
    TimeSpan RequestTimeout,
    int TraceEvery);

/// <summary><c>sweep</c>: the reference labs' latency-against-quorum experiment with their consistency analysis.</summary>
internal static class SweepCommand
{
    public static Command Create(CommandContext context)
    {
        var leader = CliOptions.Leader();
        var clients = CliOptions.Count("--clients", 10, "Concurrent clients per quorum.");
        var writes = CliOptions.Count("--writes", 10, "Writes each client makes per quorum, one after another.");
        var keys = CliOptions.Count("--keys", 10, "Distinct keys the writes cycle through.");
        var warmup = CliOptions.Count("--warmup", 5,
            "Writes each client makes before the first quorum, not measured: JIT compilation and opening connections " +
            "would otherwise land in the first quorum's figures.", min: 0);
        var quorums = new Option<IReadOnlyList<int>>("--quorums")
        {
            Description = "Write quorums to measure: a range and/or list such as 1-5, 1,3,5 or 0-2,5.",
            HelpName = "list",
            DefaultValueFactory = _ => [1, 2, 3, 4, 5],
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (QuorumListParser.TryParse(text, out var list, out var error))
                    return list;
                result.AddError($"--quorums: {error}.");
                return [];
            },
        };
        var output = CliOptions.Out("sweep.json, sweep.md, sweep.svg and sweep.png");
        // The nodes' own variable names, so an orchestrator can hand the load runner the same lag parameters.
        var minDelay = CliOptions.Seconds("--min-delay", CliOptions.SecondsSetting(context.Configuration, "MIN_DELAY", 0.0001),
            "The cluster's configured lag minimum in seconds, for the plot's floor line (default: MIN_DELAY if set).");
        var maxDelay = CliOptions.Seconds("--max-delay", CliOptions.SecondsSetting(context.Configuration, "MAX_DELAY", 0.001),
            "The cluster's configured lag maximum in seconds, for the plot's floor line (default: MAX_DELAY if set).");
        var settle = CliOptions.Settle(TimeSpan.FromSeconds(10),
            "After each burst, how long the followers may take to converge before the quorum is reported inconsistent.");
        var requestTimeout = CliOptions.RequestTimeout();
        var traceEvery = CliOptions.TraceEvery();

        var command = new Command("sweep", "Measure write latency at each quorum, then whether and how soon the followers match the leader.")
        {
            leader, clients, writes, keys, warmup, quorums, output, minDelay, maxDelay, settle, requestTimeout, traceEvery,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(maxDelay) < result.GetValue(minDelay))
                result.AddError("--max-delay must not be below --min-delay.");
        });
        command.SetAction((parse, cancellationToken) => SweepHandler.RunAsync(context, new SweepOptions(
            parse.GetValue(leader), parse.GetValue(clients), parse.GetValue(writes), parse.GetValue(keys), parse.GetValue(warmup),
            parse.GetRequiredValue(quorums), parse.GetRequiredValue(output), parse.GetValue(minDelay), parse.GetValue(maxDelay),
            parse.GetValue(settle), parse.GetValue(requestTimeout), parse.GetValue(traceEvery)), cancellationToken));
        return command;
    }
}
