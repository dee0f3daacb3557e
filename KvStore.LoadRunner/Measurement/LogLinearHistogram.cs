using System.Numerics;

namespace KvStore.LoadRunner.Measurement;

/// <summary>
/// A histogram of non-negative integer values (the load runner records nanoseconds) with bounded relative error,
/// in the manner of HdrHistogram, which is not available here. Values below 2^<see cref="SubBucketBits"/> are
/// counted exactly; every power-of-two range above is split into 2^<see cref="SubBucketBits"/> equal buckets, so
/// a bucket is never wider than <see cref="RelativeError"/> times its lower bound. Count, sum, min and max are exact.
/// </summary>
/// <remarks>
/// Not thread-safe by design: each load client records into its own histogram and the histograms are merged with
/// <see cref="Add"/> when the run ends, so recording never contends on a shared cache line.
/// </remarks>
internal sealed class LogLinearHistogram
{
    public const int SubBucketBits = 7;

    /// <summary>The largest value kept apart from its neighbours: 2^43 ns is about 2.4 hours.</summary>
    public const long MaxTrackableValue = (1L << (MaxMagnitude + 1)) - 1;

    private const int SubBucketCount = 1 << SubBucketBits;
    private const int MaxMagnitude = 42;
    private const int BucketCount = (MaxMagnitude - SubBucketBits + 2) * SubBucketCount;

    private readonly long[] _counts = new long[BucketCount];

    /// <summary>Upper bound of (reported − true) / true for any percentile.</summary>
    public static double RelativeError => 1.0 / SubBucketCount;

    public long Count { get; private set; }

    public long Sum { get; private set; }

    public long Min { get; private set; } = long.MaxValue;

    public long Max { get; private set; }

    public double Mean => Count == 0 ? 0 : (double)Sum / Count;

    public void Record(long value)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(value);
        _counts[IndexOf(Math.Min(value, MaxTrackableValue))]++;
        Count++;
        Sum += value;
        if (value < Min)
            Min = value;
        if (value > Max)
            Max = value;
    }

    public void Add(LogLinearHistogram other)
    {
        ArgumentNullException.ThrowIfNull(other);
        if (other.Count == 0)
            return;
        for (var i = 0; i < _counts.Length; i++)
            _counts[i] += other._counts[i];
        Count += other.Count;
        Sum += other.Sum;
        Min = Math.Min(Min, other.Min);
        Max = Math.Max(Max, other.Max);
    }

    /// <summary>
    /// The nearest-rank percentile (0–100]: the value of rank ⌈p/100 · count⌉ in sorted order, reported as the middle
    /// of its bucket (within <see cref="RelativeError"/> of the exact value); the extreme ranks are the exact min and max.
    /// </summary>
    public long ValueAtPercentile(double percentile)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(percentile, 0.0);
        ArgumentOutOfRangeException.ThrowIfGreaterThan(percentile, 100.0);
        if (Count == 0)
            return 0;

        var rank = Math.Max(1, (long)Math.Ceiling(percentile / 100.0 * Count));
        if (rank >= Count)
            return Max;
        if (rank == 1)
            return Min;

        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
                return Math.Clamp(LowerBound(i) + (Width(i) - 1) / 2, Min, Max);
        }

        return Max;
    }

    internal static int IndexOf(long value)
    {
        if (value < SubBucketCount)
            return (int)value;
        var magnitude = 63 - BitOperations.LeadingZeroCount((ulong)value);
        var shift = magnitude - SubBucketBits;
        var subBucket = (int)(value >> shift) - SubBucketCount;
        return (shift + 1) * SubBucketCount + subBucket;
    }

    internal static long LowerBound(int index)
    {
        if (index < SubBucketCount)
            return index;
        var shift = index / SubBucketCount - 1;
        var subBucket = index % SubBucketCount;
        return (long)(SubBucketCount + subBucket) << shift;
    }

    internal static long Width(int index) => index < SubBucketCount ? 1 : 1L << (index / SubBucketCount - 1);
}
