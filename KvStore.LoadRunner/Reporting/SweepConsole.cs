using Spectre.Console;

namespace KvStore.LoadRunner.Reporting;

/// <summary>The sweep on the console: a line as each quorum finishes, then the table.</summary>
internal static class SweepConsole
{
    public static void PrintRow(IAnsiConsole console, SweepRow r, int followers)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(r);
        var line = $"quorum {r.Quorum}: {Format.Count(r.Writes)} writes, {Format.Rate(r.OpsPerSec)} ops/s, mean {Format.Ms(r.MeanMs)} ms " +
            $"(floor {Format.Ms(r.FloorMs)} ms), p99 {Format.Ms(r.P99Ms)} ms, errors {r.Errors}";
        if (r.ErrorsByCode is { Count: > 0 } codes)
            line += $" ({string.Join(", ", codes.Select(c => $"{c.Key} {c.Value}"))})";
        if (r.Interrupted == true)
            line += " — interrupted";
        else
            line += $"; matching right after: {Format.Matching(r.FollowersMatchingImmediately, followers)}, consistent after settle: {Format.Settled(r.ConsistentAfterSettle, r.SettledAfterMs)}";
        console.WriteLine(line);
    }

    public static void PrintTable(IAnsiConsole console, SweepReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        var table = new Table().Border(TableBorder.Rounded).Title("write latency against quorum");
        foreach (var header in new[] { "quorum", "mean ms", "p50 ms", "p95 ms", "p99 ms", "max ms", "floor ms", "ops/s", "errors", "matching now", "consistent after settle" })
            table.AddColumn(new TableColumn(header).RightAligned());
        foreach (var r in report.Rows)
        {
            table.AddRow(ConsoleCells.Of(
                r.Quorum.ToString(System.Globalization.CultureInfo.InvariantCulture),
                Format.Ms(r.MeanMs), Format.Ms(r.P50Ms), Format.Ms(r.P95Ms), Format.Ms(r.P99Ms), Format.Ms(r.MaxMs), Format.Ms(r.FloorMs),
                Format.Rate(r.OpsPerSec), Format.Count(r.Errors),
                Format.Matching(r.FollowersMatchingImmediately, report.Settings.Followers),
                Format.Settled(r.ConsistentAfterSettle, r.SettledAfterMs)));
        }

        console.Write(table);
    }
}
