using System.Text;
using System.Text.Json;
using System.Text.Json.Serialization;
using KvStore.LoadRunner.Load;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// One pass of <c>staleness</c>. Versions behind: the client's own acknowledged writes a stale read missed.
/// Catch-up: from the write's acknowledgement until the follower answered a read waiting for it.
/// </summary>
internal sealed record StalenessRow(
    int Quorum, bool MinVersion, int Reads, int Stale, double StaleShare,
    double? MeanVersionsBehind, int? MaxVersionsBehind, double? MeanCatchUpMs, double? P95CatchUpMs, double? MaxCatchUpMs,
    int MonotonicReadViolations, double WriteMeanMs, double WriteP50Ms, double WriteP99Ms, int WriteErrors, int ReadErrors,
    IReadOnlyDictionary<string, int> StaleByFollower)
{
    public string Label => MinVersion ? $"{Quorum} + min_version" : $"{Quorum}";

    public static StalenessRow From(StalenessSamples samples)
    {
        ArgumentNullException.ThrowIfNull(samples);
        var stale = samples.Reads.Where(r => r.Seen < r.Written).ToArray();
        var catchUp = stale.Where(r => r.CatchUpMs is not null).Select(r => r.CatchUpMs!.Value).Order().ToArray();
        var writes = samples.WriteMs.Order().ToArray();
        return new StalenessRow(
            samples.Pass.Quorum, samples.Pass.MinVersion, samples.Reads.Count, stale.Length,
            samples.Reads.Count == 0 ? 0 : Math.Round((double)stale.Length / samples.Reads.Count, 4),
            stale.Length == 0 ? null : Math.Round(stale.Average(r => r.VersionsBehind), 2),
            stale.Length == 0 ? null : stale.Max(r => r.VersionsBehind),
            catchUp.Length == 0 ? null : Round(catchUp.Average()),
            catchUp.Length == 0 ? null : Round(Percentile(catchUp, 95)),
            catchUp.Length == 0 ? null : Round(catchUp[^1]),
            samples.MonotonicViolations,
            writes.Length == 0 ? 0 : Round(writes.Average()), Round(Percentile(writes, 50)), Round(Percentile(writes, 99)),
            samples.WriteErrors, samples.ReadErrors,
            stale.GroupBy(r => r.Follower, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal)
                .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal));
    }

    /// <summary>Nearest-rank percentile of sorted values; 0 when there are none.</summary>
    internal static double Percentile(double[] sorted, double percentile) =>
        sorted.Length == 0 ? 0 : sorted[Math.Clamp((int)Math.Ceiling(percentile / 100 * sorted.Length) - 1, 0, sorted.Length - 1)];

    private static double Round(double ms) => Math.Round(ms, 3);
}

internal sealed record StalenessSettings(string Leader, int Followers, int Clients, int WritesPerClient, double MinDelaySeconds, double MaxDelaySeconds);

internal sealed record StalenessReport(StalenessSettings Settings, IReadOnlyList<StalenessRow> Rows)
{
    public string Json() => JsonSerializer.Serialize(this, StalenessJsonContext.Default.StalenessReport);

    public string Markdown(string plotFileName)
    {
        var s = Settings;
        var md = new StringBuilder();
        md.AppendLine("# Stale follower reads against write quorum").AppendLine();
        md.AppendLine($"Leader {s.Leader} with {s.Followers} followers; per quorum {s.Clients} clients × {s.WritesPerClient} writes, each " +
            $"read back on a follower (each in turn, then a random one) as soon as it was acknowledged; lag uniform(" +
            $"{Format.Lag(s.MinDelaySeconds)}, {Format.Lag(s.MaxDelaySeconds)}).").AppendLine();
        md.AppendLine("| quorum | reads | stale | stale share | versions behind (mean / max) | ms until the follower had it (mean / p95 / max) | monotonic-read violations | write mean ms | write p99 ms |");
        md.AppendLine("| ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: | ---: |");
        foreach (var r in Rows)
        {
            var behind = r.MeanVersionsBehind is { } mean ? $"{mean:0.##} / {r.MaxVersionsBehind}" : "—";
            var catchUp = r.MeanCatchUpMs is { } c ? $"{Format.Ms(c)} / {Format.Ms(r.P95CatchUpMs!.Value)} / {Format.Ms(r.MaxCatchUpMs!.Value)}" : "—";
            md.AppendLine($"| {r.Label} | {r.Reads} | {r.Stale} | {r.StaleShare:P1} | {behind} | {catchUp} | {r.MonotonicReadViolations} | " +
                $"{Format.Ms(r.WriteMeanMs)} | {Format.Ms(r.WriteP99Ms)} |");
        }

        md.AppendLine().AppendLine($"![Stale share and write latency against write quorum]({plotFileName})");
        return md.ToString();
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(StalenessReport))]
internal sealed partial class StalenessJsonContext : JsonSerializerContext;
