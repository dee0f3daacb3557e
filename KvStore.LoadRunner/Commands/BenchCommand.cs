using System.CommandLine;
using System.Globalization;

namespace KvStore.LoadRunner.Commands;

/// <summary>What <c>bench</c> was asked to do, once parsed and validated.</summary>
internal sealed record BenchOptions(
    string? Leader,
    int Clients,
    int Quorum,
    TimeSpan Duration,
    TimeSpan Warmup,
    double? Rate,
    int Keys,
    DirectoryInfo Out,
    TimeSpan RequestTimeout,
    int TraceEvery);

/// <summary><c>bench</c>: write throughput and latency percentiles, closed loop or open loop at a target rate.</summary>
internal static class BenchCommand
{
    public static Command Create(CommandContext context)
    {
        var leader = CliOptions.Leader();
        var clients = CliOptions.Count("--clients", 64, "Concurrent clients (and at most this many requests in flight).");
        var quorum = CliOptions.Count("--quorum", 3, "Write quorum of every request (?quorum=), 0 for asynchronous replication.", min: 0);
        var duration = CliOptions.Duration("--duration", TimeSpan.FromSeconds(10), "How long to send load, e.g. 10s or 2m.");
        // 5 s: a new load-runner process needs that long to compile its own hot path (at 64 clients, lag off, measured:
        // 9,800 writes/s in the first second, 13,000-17,000 in the next four, 21,000-24,000 from the sixth on).
        var warmup = CliOptions.Duration("--warmup", TimeSpan.FromSeconds(5),
            "Load sent first and not measured, so JIT compilation (the nodes' and the load runner's own) and opening connections do not count.", allowZero: true);
        var rate = new Option<double?>("--rate")
        {
            Description = "Open loop: start this many requests a second on a fixed schedule, measuring each from its intended " +
                "start so stalls are not hidden. Without it, a closed loop: every client writes as fast as it can.",
            HelpName = "per-second",
        };
        rate.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<double?>() is { } r && !(r > 0 && double.IsFinite(r)))
                result.AddError($"--rate must be a positive number of requests a second (got {r.ToString(CultureInfo.InvariantCulture)}).");
        });
        var keys = CliOptions.Count("--keys", 1000, "Distinct keys the writes cycle through.");
        var output = CliOptions.Out("bench.json");
        var requestTimeout = CliOptions.RequestTimeout();
        var traceEvery = CliOptions.TraceEvery();

        var command = new Command("bench", "Measure write throughput and latency (p50/p90/p99/p99.9) for a while.")
        {
            leader, clients, quorum, duration, warmup, rate, keys, output, requestTimeout, traceEvery,
        };
        command.SetAction((parse, cancellationToken) => BenchHandler.RunAsync(context, new BenchOptions(
            parse.GetValue(leader), parse.GetValue(clients), parse.GetValue(quorum), parse.GetValue(duration), parse.GetValue(warmup), parse.GetValue(rate),
            parse.GetValue(keys), parse.GetRequiredValue(output), parse.GetValue(requestTimeout), parse.GetValue(traceEvery)), cancellationToken));
        return command;
    }
}
