using KvStore.LoadRunner.Measurement;
using Spectre.Console;

namespace KvStore.LoadRunner.Reporting;

/// <summary>The bench's final summary on the console.</summary>
internal static class BenchConsole
{
    public static void PrintSummary(IAnsiConsole console, BenchReport r)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(r);
        var loop = r.TargetRate is { } rate ? $"open loop at {Format.Rate(rate)} req/s" : "closed loop";
        var reads = r.ReadsOn is null ? "" : r.ReadRatio >= 1 ? $", reads only, on {r.ReadsOn}" : $", {r.ReadRatio:P0} reads on {r.ReadsOn}";
        console.WriteLine($"bench {r.Leader}: {loop}, {r.Clients} clients, quorum {r.Quorum}{reads}, {Format.Seconds(r.DurationSeconds)} s" +
            (r.Interrupted ? " (interrupted)" : ""));
        console.WriteLine($"requests {Format.Count(r.Requests)}: ok {Format.Count(r.Succeeded)}, errors {Format.Count(r.Errors)}; " +
            $"throughput {Format.Rate(r.OpsPerSec)} ops/s" +
            (r.ScheduledRequests is { } scheduled ? $" ({Format.Count(scheduled)} scheduled)" : ""));

        var table = new Table().Border(TableBorder.Rounded);
        foreach (var header in new[] { "latency", "mean ms", "p50 ms", "p90 ms", "p99 ms", "p99.9 ms", "max ms" })
            table.AddColumn(new TableColumn(header).RightAligned());
        table.AddRow(ConsoleCells.Of(Row(r.TargetRate is null ? "per request" : "from intended start", r.Latency)));
        if (r.ServiceTime is { } serviceTime)
            table.AddRow(ConsoleCells.Of(Row("service time", serviceTime)));
        if (r.ReadLatency is { } readLatency)
            table.AddRow(ConsoleCells.Of(Row($"reads ({Format.Count(r.SucceededReads)})", readLatency)));
        if (r.WriteLatency is { } writes)
            table.AddRow(ConsoleCells.Of(Row($"writes ({Format.Count(r.SucceededWrites)})", writes)));
        console.Write(table);

        if (r.Leaders is { Count: > 1 } leaders)
            console.WriteLine("writes followed the leader: " + string.Join(", ", leaders.Select(l => $"{l.Leader} acknowledged {Format.Count(l.Writes)}")));
        foreach (var (code, count) in r.ErrorsByCode)
            console.WriteLine($"  error {code}: {Format.Count(count)}");
    }

    private static string[] Row(string label, LatencySummary s) =>
        [label, Format.Ms(s.MeanMs), Format.Ms(s.P50Ms), Format.Ms(s.P90Ms), Format.Ms(s.P99Ms), Format.Ms(s.P999Ms), Format.Ms(s.MaxMs)];
}
