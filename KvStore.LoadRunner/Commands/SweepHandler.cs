using System.Diagnostics;
using System.Text.Json;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Diagnostics;
using KvStore.LoadRunner.Load;
using KvStore.LoadRunner.Measurement;
using KvStore.LoadRunner.Reporting;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary>
/// Runs the sweep: per quorum a burst of writes, a comparison of every follower with the leader right after it,
/// and polling until they converge. Each burst starts only once the previous one has settled, so catch-up traffic
/// from one quorum never inflates the next quorum's latencies.
/// </summary>
internal static class SweepHandler
{
    public static async Task<int> RunAsync(CommandContext context, SweepOptions options, CancellationToken cancellationToken)
    {
        using var connection = await ClusterConnection.OpenAsync(context, options.Leader, options.Clients, options.RequestTimeout, cancellationToken, followLeader: true);
        connection.EnsureQuorumPossible(options.Quorums.Max(), "--quorums");
        connection.Client.Sampling = new WriteSampling(options.TraceEvery);
        ReportFiles.EnsureWritable(options.Out);
        var followers = connection.Topology.Followers.Count;
        var floor = new LagFloor(options.MinDelay, options.MaxDelay, followers);
        var keys = new KeySpace("sweep", options.Keys);
        var checker = new ConsistencyChecker(connection.Client, connection.Topology);
        context.Console.WriteLine($"sweep {connection.Leader}: {followers} followers, {options.Clients} clients × {options.Writes} writes " +
            $"over {options.Keys} keys per quorum, quorums {string.Join(',', options.Quorums)}");

        if (options.Warmup > 0)
        {
            var warm = await WriteBurst.RunAsync(connection.Client, keys, options.Clients, options.Warmup, options.Quorums[0], cancellationToken);
            cancellationToken.ThrowIfCancellationRequested();
            await checker.WaitForConvergenceAsync(options.Settle, cancellationToken);
            context.Console.WriteLine($"warm-up: {Format.Count(warm.Totals.Succeeded + warm.Totals.Failed)} writes at quorum {options.Quorums[0]}, not measured");
        }

        var rows = new List<SweepRow>();
        foreach (var quorum in options.Quorums)
        {
            var row = await MeasureQuorumAsync(context, connection, checker, keys, options, quorum, floor, cancellationToken);
            rows.Add(row);
            if (row.Interrupted == true)
                break;
        }

        var interrupted = cancellationToken.IsCancellationRequested;
        var report = new SweepReport(
            new SweepSettings(connection.Leader.ToString(), followers, options.Clients, options.Writes, options.Keys, options.Warmup,
                options.MinDelay, options.MaxDelay, options.Settle.TotalSeconds),
            rows, interrupted);
        SweepConsole.PrintTable(context.Console, report);
        await WriteFilesAsync(context, options.Out, report, floor);

        if (interrupted)
            return ExitCodes.Interrupted;
        return rows.All(r => r.Errors == 0 && r.ConsistentAfterSettle == true) ? ExitCodes.Success : ExitCodes.Findings;
    }

    private static async Task<SweepRow> MeasureQuorumAsync(
        CommandContext context, ClusterConnection connection, ConsistencyChecker checker, KeySpace keys, SweepOptions options,
        int quorum, LagFloor floor, CancellationToken cancellationToken)
    {
        // One trace per quorum: its writes, with the nodes' spans beneath them, and the consistency checks after. Sampling
        // starts again with each quorum, so its first write is traced whatever --trace-every is.
        connection.Client.Sampling = new WriteSampling(options.TraceEvery);
        using var activity = LoadRunnerTelemetry.Source.StartActivity("sweep quorum");
        activity?.SetTag("kvstore.quorum", quorum);
        var burst = await WriteBurst.RunAsync(connection.Client, keys, options.Clients, options.Writes, quorum, cancellationToken);
        var row = FromBurst(quorum, floor.FloorMs(quorum), burst);
        if (!burst.Interrupted)
        {
            var burstEnded = Stopwatch.GetTimestamp();
            try
            {
                var immediate = await checker.CompareNowAsync(cancellationToken);
                var (settled, converged) = immediate.IsConsistent
                    ? (immediate, TimeSpan.Zero)
                    : await checker.WaitForConvergenceAsync(options.Settle, cancellationToken);
                row = row with
                {
                    FollowersMatchingImmediately = immediate.MatchingFollowers,
                    ConsistentAfterSettle = settled.IsConsistent,
                    SettledAfterMs = converged is null ? null : Math.Round(Stopwatch.GetElapsedTime(burstEnded).TotalMilliseconds, 1),
                    Divergence = settled.IsConsistent ? null : [.. settled.Mismatches],
                };
                SweepConsole.PrintRow(context.Console, row, connection.Topology.Followers.Count);
                DiffConsole.Print(context.Console, settled);
                return row;
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
            }
        }

        row = row with { Interrupted = true };
        SweepConsole.PrintRow(context.Console, row, connection.Topology.Followers.Count);
        return row;
    }

    private static SweepRow FromBurst(int quorum, double floorMs, BurstResult burst)
    {
        var latency = LatencySummary.From(burst.Totals.Latency);
        var seconds = burst.Elapsed.TotalSeconds;
        return new SweepRow(
            Quorum: quorum,
            MeanMs: latency.MeanMs,
            P50Ms: latency.P50Ms,
            P95Ms: latency.P95Ms,
            P99Ms: latency.P99Ms,
            MaxMs: latency.MaxMs,
            OpsPerSec: seconds > 0 ? Math.Round(burst.Totals.Succeeded / seconds, 1) : 0,
            Errors: burst.Totals.Failed,
            FollowersMatchingImmediately: null,
            ConsistentAfterSettle: null,
            FloorMs: Math.Round(floorMs, 3),
            Writes: burst.Totals.Succeeded + burst.Totals.Failed,
            SettledAfterMs: null,
            ErrorsByCode: burst.Totals.Failed > 0 ? burst.Totals.Errors.ToSorted() : null,
            Divergence: null,
            Interrupted: null);
    }

    private static async Task WriteFilesAsync(CommandContext context, DirectoryInfo directory, SweepReport report, LagFloor floor)
    {
        var s = report.Settings;
        var subtitle = $"{s.Clients} clients × {s.WritesPerClient} writes per quorum, {s.Followers} followers, " +
            $"lag uniform({Format.Lag(s.MinDelaySeconds)}, {Format.Lag(s.MaxDelaySeconds)})";
        var json = await ReportFiles.WriteAsync(directory, "sweep.json", JsonSerializer.Serialize(report, ReportJsonContext.Default.SweepReport));
        var markdown = await ReportFiles.WriteAsync(directory, "sweep.md", SweepMarkdown.Render(report, "sweep.svg"));
        var plot = await ReportFiles.WriteAsync(directory, "sweep.svg", SweepPlot.Render(report.Rows, floor, subtitle));
        context.Console.WriteLine($"wrote {json}, {markdown}, {plot}");
    }
}
