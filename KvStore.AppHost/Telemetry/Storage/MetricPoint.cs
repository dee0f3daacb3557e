namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>A gauge or sum's value at a time.</summary>
internal sealed record NumberPoint(ulong TimeUnixNano, double Value);

/// <summary>
/// An explicit-bucket histogram point as exported: <see cref="BucketCounts"/> has one more entry than
/// <see cref="Bounds"/> (the overflow bucket); cumulative points count from <see cref="StartUnixNano"/>.
/// </summary>
internal sealed record HistogramPoint(ulong StartUnixNano, ulong TimeUnixNano, ulong Count, double Sum, double[] Bounds, ulong[] BucketCounts, bool IsDelta);
