namespace KvStore.LoadRunner.Measurement;

/// <summary>A latency distribution reduced to the figures the reports print, in milliseconds.</summary>
internal readonly record struct LatencySummary(
    long Count,
    double MeanMs,
    double MinMs,
    double P50Ms,
    double P90Ms,
    double P95Ms,
    double P99Ms,
    double P999Ms,
    double MaxMs)
{
    private const double NanosecondsPerMillisecond = 1_000_000.0;

    public static LatencySummary From(LogLinearHistogram histogram)
    {
        ArgumentNullException.ThrowIfNull(histogram);
        if (histogram.Count == 0)
            return default;
        return new LatencySummary(
            histogram.Count,
            Ms(histogram.Mean),
            Ms(histogram.Min),
            Ms(histogram.ValueAtPercentile(50)),
            Ms(histogram.ValueAtPercentile(90)),
            Ms(histogram.ValueAtPercentile(95)),
            Ms(histogram.ValueAtPercentile(99)),
            Ms(histogram.ValueAtPercentile(99.9)),
            Ms(histogram.Max));
    }

    // Microsecond precision is all a millisecond-scale report can honestly claim.
    private static double Ms(double nanoseconds) => Math.Round(nanoseconds / NanosecondsPerMillisecond, 3);
}
