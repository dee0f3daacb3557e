using System.CommandLine;
using System.Globalization;
using KvStore.LoadRunner.Load;

namespace KvStore.LoadRunner.Commands;

/// <summary>What <c>bench</c> was asked to do, once parsed and validated.</summary>
internal sealed record BenchOptions(
    string? Leader,
    int Clients,
    int Quorum,
    TimeSpan Duration,
    BenchWarmup Warmup,
    double? Rate,
    int Keys,
    DirectoryInfo Out,
    TimeSpan RequestTimeout,
    int TraceEvery,
    double ReadRatio = 0,
    ReadTargets On = ReadTargets.Followers);

/// <summary>Which nodes <c>bench</c>'s reads go to.</summary>
internal enum ReadTargets
{
    Followers,
    Leader,
    All,
}

/// <summary><c>bench</c>: write throughput and latency percentiles, closed loop or open loop at a target rate.</summary>
internal static class BenchCommand
{
    public static Command Create(CommandContext context)
    {
        var leader = CliOptions.Leader();
        var clients = CliOptions.Count("--clients", 64, "Concurrent clients (and at most this many requests in flight).");
        var quorum = CliOptions.Count("--quorum", 3, "Write quorum of every request (?quorum=), 0 for asynchronous replication.", min: 0);
        var duration = CliOptions.Duration("--duration", TimeSpan.FromSeconds(10), "How long to send load, e.g. 10s or 2m.");
        var warmup = new Option<BenchWarmup>("--warmup")
        {
            Description = "Load sent first and not measured, so JIT compilation (the nodes' and the load runner's own) and opening " +
                "connections do not count: 'auto' (default) until the load stops getting faster (the last five one-second rounds less " +
                $"than {BenchWarmup.SteadyGain:P0} better than the five before; {BenchWarmup.AutoMinimum.TotalSeconds:0}-{BenchWarmup.AutoMaximum.TotalSeconds:0} s), or a duration such as 5s (0s: none).",
            DefaultValueFactory = _ => BenchWarmup.Auto,
            HelpName = "auto|duration",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (string.Equals(text, "auto", StringComparison.OrdinalIgnoreCase))
                    return BenchWarmup.Auto;
                if (DurationParser.TryParse(text, out var duration) && duration >= TimeSpan.Zero)
                    return new BenchWarmup(duration);
                result.AddError($"--warmup must be 'auto' or a non-negative duration such as 5s (got '{text}').");
                return BenchWarmup.Auto;
            },
        };
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
        var reads = new Option<bool>("--reads") { Description = "Reads only (--read-ratio 1): GET /read of the keys, which are written once first." };
        var readRatio = new Option<double>("--read-ratio")
        {
            Description = "Share of the requests that are reads (0 to 1; 0.9 is nine reads to one write). Reads and writes are reported apart too.",
            HelpName = "share",
        };
        readRatio.Validators.Add(result =>
        {
            var r = result.GetValueOrDefault<double>();
            if (!(r >= 0 && r <= 1))
                result.AddError($"--read-ratio must be between 0 and 1 (got {r.ToString(CultureInfo.InvariantCulture)}).");
        });
        var on = new Option<ReadTargets>("--on")
        {
            Description = "Where reads go, each client taking the nodes in turn: followers (default), leader or all.",
            DefaultValueFactory = _ => ReadTargets.Followers,
            HelpName = "nodes",
        };

        var command = new Command("bench", "Measure write (or read) throughput and latency (p50/p90/p99/p99.9) for a while.")
        {
            leader, clients, quorum, duration, warmup, rate, keys, output, requestTimeout, traceEvery, reads, readRatio, on,
        };
        command.Validators.Add(result =>
        {
            if (result.GetValue(reads) && result.GetResult(readRatio) is { Implicit: false })
                result.AddError("--reads and --read-ratio say the same thing: give one of them.");
        });
        command.SetAction((parse, cancellationToken) => BenchHandler.RunAsync(context, new BenchOptions(
            parse.GetValue(leader), parse.GetValue(clients), parse.GetValue(quorum), parse.GetValue(duration), parse.GetValue(warmup) ?? BenchWarmup.Auto, parse.GetValue(rate),
            parse.GetValue(keys), parse.GetRequiredValue(output), parse.GetValue(requestTimeout), parse.GetValue(traceEvery),
            parse.GetValue(reads) ? 1 : parse.GetValue(readRatio), parse.GetValue(on)), cancellationToken));
        return command;
    }
}
