using System.Text.Json;
using KvStore.LoadRunner.Diagnostics;
using KvStore.LoadRunner.Load;
using KvStore.LoadRunner.Measurement;
using KvStore.LoadRunner.Reporting;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary>Runs <c>bench</c>: the load, the progress display each second, the summary and <c>bench.json</c>.</summary>
internal static class BenchHandler
{
    public static async Task<int> RunAsync(CommandContext context, BenchOptions options, CancellationToken cancellationToken)
    {
        using var connection = await ClusterConnection.OpenAsync(context, options.Leader, options.Clients, options.RequestTimeout, cancellationToken, followLeader: true);
        connection.EnsureQuorumPossible(options.Quorum, "--quorum");
        connection.Client.Sampling = new WriteSampling(options.TraceEvery);
        ReportFiles.EnsureWritable(options.Out);
        var plan = new BenchPlan(options.Clients, options.Quorum, options.Duration, options.Rate, new KeySpace("bench", options.Keys),
            options.ReadRatio > 0 ? new BenchReads(options.ReadRatio, options.On.ToString().ToLowerInvariant(), ReadNodes(connection, options.On)) : null);
        context.Console.WriteLine($"bench {connection.Leader}: {connection.Topology.Followers.Count} followers, {plan.Clients} clients, " +
            $"quorum {plan.Quorum}, {Format.Seconds(plan.Duration.TotalSeconds)} s, " +
            (plan.Rate is { } rate ? $"open loop at {Format.Rate(rate)} req/s" : "closed loop") +
            (plan.Reads is { } reads ? $", {reads.Ratio:P0} reads on {reads.On} ({reads.Nodes.Count} nodes)" : ""));

        if (plan.Reads is not null)
        {
            var written = await BenchPrefill.WriteEveryKeyAsync(connection.Client, plan.Keys, plan.Clients, connection.Topology.Followers.Count, cancellationToken);
            context.Console.WriteLine($"prefill: {Format.Count(written)} keys written on every follower, so reads find them");
        }

        var warm = await options.Warmup.RunAsync(connection.Client, plan, cancellationToken);
        cancellationToken.ThrowIfCancellationRequested();
        if (warm.Requests > 0)
        {
            context.Console.WriteLine($"warm-up: {Format.Count(warm.Requests)} requests in {Format.Seconds(warm.Elapsed.TotalSeconds)} s, not measured" +
                warm.Steady switch
                {
                    true => "; the rate had stopped rising",
                    false => $"; still rising after {Format.Seconds(BenchWarmup.AutoMaximum.TotalSeconds)} s, measuring anyway",
                    null => "",
                });
        }

        var before = connection.Client.AcknowledgedByLeader();
        var run = new BenchRun(connection.Client, plan);
        var running = run.RunAsync(cancellationToken);
        await BenchProgressDisplay.WatchAsync(context, run, plan.Duration, running);
        var outcome = await running;

        var report = ToReport(connection.Leader, plan, warm, outcome) with { Leaders = MeasuredByLeader(before, connection.Client.AcknowledgedByLeader()) };
        BenchConsole.PrintSummary(context.Console, report);
        var path = await ReportFiles.WriteAsync(options.Out, "bench.json", JsonSerializer.Serialize(report, ReportJsonContext.Default.BenchReport));
        context.Console.WriteLine($"wrote {path}");

        if (outcome.Interrupted)
            return ExitCodes.Interrupted;
        return outcome.Totals.Failed == 0 ? ExitCodes.Success : ExitCodes.Findings;
    }

    private static BenchReport ToReport(Uri leader, BenchPlan plan, WarmupOutcome warmup, BenchOutcome outcome)
    {
        var totals = outcome.Totals;
        var seconds = outcome.Elapsed.TotalSeconds;
        return new BenchReport(
            Leader: leader.ToString(),
            Mode: plan.IsOpenLoop ? "open" : "closed",
            Clients: plan.Clients,
            Quorum: plan.Quorum,
            DurationSeconds: Math.Round(seconds, 3),
            WarmupSeconds: Math.Round(warmup.Elapsed.TotalSeconds, 3),
            WarmupSteady: warmup.Steady,
            TargetRate: plan.Rate,
            ScheduledRequests: outcome.ScheduledRequests,
            Requests: totals.Succeeded + totals.Failed,
            Succeeded: totals.Succeeded,
            Errors: totals.Failed,
            OpsPerSec: seconds > 0 ? Math.Round(totals.Succeeded / seconds, 1) : 0,
            Latency: LatencySummary.From(totals.Latency),
            ServiceTime: plan.IsOpenLoop ? LatencySummary.From(totals.ServiceTime) : null,
            ErrorsByCode: totals.Errors.ToSorted(),
            Interrupted: outcome.Interrupted,
            ReadRatio: plan.ReadRatio,
            ReadsOn: plan.Reads?.On,
            SucceededReads: outcome.Reads.Succeeded,
            SucceededWrites: outcome.Writes.Succeeded,
            ReadLatency: plan.ReadRatio is > 0 and < 1 ? LatencySummary.From(outcome.Reads.Latency) : null,
            WriteLatency: plan.ReadRatio is > 0 and < 1 ? LatencySummary.From(outcome.Writes.Latency) : null);
    }

    /// <summary>The measured run's acknowledged writes per leader: the counts at its end less those of the warm-up and prefill.</summary>
    private static List<LeaderWrites> MeasuredByLeader(IReadOnlyList<(Uri Leader, long Writes)> before, IReadOnlyList<(Uri Leader, long Writes)> after) =>
        [.. after.Select(a => new LeaderWrites(a.Leader.ToString(), a.Writes - before.Where(b => b.Leader == a.Leader).Sum(b => b.Writes)))
            .Where(l => l.Writes > 0 || after.Count == 1)];

    private static Uri[] ReadNodes(ClusterConnection connection, ReadTargets on)
    {
        var followers = connection.Topology.Followers.Select(f => f.Url);
        return on switch
        {
            ReadTargets.Leader => [connection.Leader],
            ReadTargets.All => [connection.Leader, .. followers],
            _ => [.. followers],
        };
    }
}
