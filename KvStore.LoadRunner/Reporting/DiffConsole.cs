using KvStore.LoadRunner.Cluster;
using Spectre.Console;

namespace KvStore.LoadRunner.Reporting;

/// <summary>Prints how each mismatching follower differs from the leader, key by key.</summary>
internal static class DiffConsole
{
    /// <summary>Enough keys to see the pattern (an old version, missing keys) without flooding the terminal.</summary>
    private const int KeysShown = 20;

    public static void Print(IAnsiConsole console, ConsistencyReport report)
    {
        ArgumentNullException.ThrowIfNull(console);
        ArgumentNullException.ThrowIfNull(report);
        foreach (var follower in report.Mismatches)
        {
            if (follower.Error is not null)
            {
                console.WriteLine($"{follower.Name} {follower.Url}: {follower.Error}");
                continue;
            }

            console.WriteLine($"{follower.Name} {follower.Url}: applied index {follower.AppliedIndex} (leader {report.LeaderAppliedIndex}), " +
                $"{follower.DifferingKeys} key(s) differ");
            if (follower.Differences.Count == 0)
                continue;

            var table = new Table().Border(TableBorder.Simple);
            foreach (var header in new[] { "key", "leader value", "leader version", "follower value", "follower version" })
                table.AddColumn(header);
            foreach (var d in follower.Differences.Take(KeysShown))
            {
                table.AddRow(ConsoleCells.Of(
                    d.Key, d.LeaderValue?.GetRawText() ?? "(absent)", d.LeaderVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—",
                    d.FollowerValue?.GetRawText() ?? "(absent)", d.FollowerVersion?.ToString(System.Globalization.CultureInfo.InvariantCulture) ?? "—"));
            }

            console.Write(table);
            if (follower.DifferingKeys > KeysShown)
                console.WriteLine($"  … and {follower.DifferingKeys - KeysShown} more");
        }
    }
}
