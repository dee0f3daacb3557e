using System.Text;

namespace KvStore.LoadRunner.Reporting;

/// <summary><c>sweep.md</c>: the sweep as a Markdown table, ready to paste into a README next to the plot.</summary>
internal static class SweepMarkdown
{
    public static string Render(SweepReport report, string plotFileName)
    {
        ArgumentNullException.ThrowIfNull(report);
        var s = report.Settings;
        var md = new StringBuilder();
        md.AppendLine("# Write latency against write quorum").AppendLine();
        md.AppendLine($"Leader {s.Leader} with {s.Followers} followers; per quorum {s.Clients} concurrent clients × " +
            $"{s.WritesPerClient} writes over {s.Keys} keys; simulated replication lag uniform({Format.Lag(s.MinDelaySeconds)}, " +
            $"{Format.Lag(s.MaxDelaySeconds)}) per follower message. The floor is the expected k-th fastest follower lag, " +
            "the least a write at quorum k can take on average.");
        if (report.Interrupted)
            md.AppendLine().AppendLine("**Interrupted:** the last row holds what was measured before Ctrl+C.");
        md.AppendLine();
        md.AppendLine("| quorum | mean ms | p50 ms | p95 ms | p99 ms | max ms | floor ms | ops/s | errors | followers matching right after | consistent after settle |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | :---: | :---: |");
        foreach (var r in report.Rows)
        {
            md.AppendLine($"| {r.Quorum} | {Format.Ms(r.MeanMs)} | {Format.Ms(r.P50Ms)} | {Format.Ms(r.P95Ms)} | {Format.Ms(r.P99Ms)} | " +
                $"{Format.Ms(r.MaxMs)} | {Format.Ms(r.FloorMs)} | {Format.Rate(r.OpsPerSec)} | {r.Errors} | " +
                $"{Format.Matching(r.FollowersMatchingImmediately, s.Followers)} | {Format.Settled(r.ConsistentAfterSettle, r.SettledAfterMs)} |");
        }

        md.AppendLine().AppendLine($"![Write latency against write quorum]({plotFileName})");
        return md.ToString();
    }
}
