namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// Percentiles over time from an explicit-bucket histogram: each interval's counts are the difference of two
/// cumulative points (or the point itself when delta, or after a restart), and a percentile is interpolated linearly
/// inside the bucket holding its rank, as Prometheus' histogram_quantile does.
/// </summary>
internal static class HistogramQuantiles
{
    public static IEnumerable<(HistogramPoint Point, ulong[] Counts)> Intervals(IReadOnlyList<HistogramPoint> points)
    {
        for (var i = 0; i < points.Count; i++)
        {
            var point = points[i];
            var previous = i > 0 ? points[i - 1] : null;
            var comparable = !point.IsDelta && previous is not null && previous.StartUnixNano == point.StartUnixNano
                && previous.BucketCounts.Length == point.BucketCounts.Length && previous.Count <= point.Count;
            if (!point.IsDelta && previous is null)
                continue; // the first cumulative point covers everything since the process started, not an interval
            var counts = comparable
                ? [.. point.BucketCounts.Select((c, b) => c - Math.Min(c, previous!.BucketCounts[b]))]
                : point.BucketCounts;
            yield return (point, counts);
        }
    }

    /// <summary>The <paramref name="quantile"/> (0..1) of the distribution in <paramref name="counts"/>, or null when empty.</summary>
    public static double? Quantile(double quantile, double[] bounds, ulong[] counts)
    {
        var total = counts.Aggregate(0UL, (a, c) => a + c);
        if (total == 0)
            return null;
        var rank = quantile * total;
        ulong seen = 0;
        for (var b = 0; b < counts.Length; b++)
        {
            if (counts[b] == 0 || seen + counts[b] < rank)
            {
                seen += counts[b];
                continue;
            }

            // The first bucket starts at zero (durations), the overflow bucket is reported at the last bound.
            var lower = b == 0 ? Math.Min(0, bounds.Length > 0 ? bounds[0] : 0) : bounds[b - 1];
            if (b >= bounds.Length)
                return bounds.Length > 0 ? bounds[^1] : null;
            var upper = bounds[b];
            return lower + ((upper - lower) * ((rank - seen) / counts[b]));
        }

        return bounds.Length > 0 ? bounds[^1] : null;
    }
}
