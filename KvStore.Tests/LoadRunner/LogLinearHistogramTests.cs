using KvStore.LoadRunner.Measurement;

namespace KvStore.Tests.LoadRunner;

public sealed class LogLinearHistogramTests
{
    private static readonly double[] Percentiles = [0.1, 1, 10, 25, 50, 75, 90, 95, 99, 99.9, 99.99, 100];

    [Fact]
    public void Percentiles_are_within_the_bucket_error_of_a_sorted_array()
    {
        var random = new Random(20261122);
        // Latency-like data in nanoseconds: log-normal around 1 ms with a heavy tail, plus some tiny exact values.
        var values = Enumerable.Range(0, 200_000)
            .Select(i => i % 97 == 0 ? random.NextInt64(0, 200) : (long)(Math.Exp(13.8 + 0.9 * Gaussian(random))))
            .ToArray();
        var histogram = new LogLinearHistogram();
        foreach (var v in values)
            histogram.Record(v);

        var sorted = values.Order().ToArray();
        foreach (var p in Percentiles.Concat(Enumerable.Range(0, 200).Select(_ => random.NextDouble() * 100)))
        {
            var exact = sorted[Math.Max(1, (long)Math.Ceiling(p / 100 * sorted.Length)) - 1];
            var reported = histogram.ValueAtPercentile(p);
            Assert.True(Math.Abs(reported - exact) <= exact * LogLinearHistogram.RelativeError,
                $"p{p}: reported {reported}, exact {exact}, allowed error {exact * LogLinearHistogram.RelativeError:0.#}");
        }

        Assert.Equal(values.Length, histogram.Count);
        Assert.Equal(values.Sum(), histogram.Sum);
        Assert.Equal(sorted[0], histogram.Min);
        Assert.Equal(sorted[^1], histogram.Max);
        Assert.Equal(sorted[^1], histogram.ValueAtPercentile(100));
    }

    [Fact]
    public void Small_values_are_counted_exactly()
    {
        var histogram = new LogLinearHistogram();
        for (var v = 0; v < 100; v++)
            histogram.Record(v);

        Assert.Equal(49, histogram.ValueAtPercentile(50));
        Assert.Equal(89, histogram.ValueAtPercentile(90));
        Assert.Equal(98, histogram.ValueAtPercentile(99));
        Assert.Equal(0, histogram.ValueAtPercentile(0));
        Assert.Equal(49.5, histogram.Mean);
    }

    [Fact]
    public void Merged_per_client_histograms_equal_one_histogram_of_everything()
    {
        var random = new Random(7);
        var clients = Enumerable.Range(0, 8).Select(_ => new LogLinearHistogram()).ToArray();
        var all = new LogLinearHistogram();
        for (var i = 0; i < 50_000; i++)
        {
            var v = random.NextInt64(1_000, 50_000_000);
            clients[i % clients.Length].Record(v);
            all.Record(v);
        }

        var merged = new LogLinearHistogram();
        foreach (var client in clients)
            merged.Add(client);
        merged.Add(new LogLinearHistogram());

        Assert.Equal((all.Count, all.Sum, all.Min, all.Max), (merged.Count, merged.Sum, merged.Min, merged.Max));
        foreach (var p in Percentiles)
            Assert.Equal(all.ValueAtPercentile(p), merged.ValueAtPercentile(p));
    }

    [Fact]
    public void Every_bucket_is_narrower_than_the_relative_error_of_its_lower_bound()
    {
        var random = new Random(3);
        var samples = Enumerable.Range(0, 62).Select(bit => 1L << Math.Min(bit, 42))
            .Concat(Enumerable.Range(0, 20_000).Select(_ => random.NextInt64(0, LogLinearHistogram.MaxTrackableValue)));
        foreach (var v in samples)
        {
            var index = LogLinearHistogram.IndexOf(v);
            var lower = LogLinearHistogram.LowerBound(index);
            var width = LogLinearHistogram.Width(index);
            Assert.InRange(v, lower, lower + width - 1);
            Assert.True(width == 1 || width <= lower * LogLinearHistogram.RelativeError, $"bucket {index} [{lower}, +{width}) for {v}");
        }
    }

    [Fact]
    public void Values_beyond_the_trackable_range_keep_an_exact_maximum()
    {
        var histogram = new LogLinearHistogram();
        histogram.Record(5);
        histogram.Record(long.MaxValue / 2);

        Assert.Equal(long.MaxValue / 2, histogram.Max);
        Assert.Equal(long.MaxValue / 2, histogram.ValueAtPercentile(100));
        Assert.Equal(0, new LogLinearHistogram().ValueAtPercentile(99));
        Assert.Throws<ArgumentOutOfRangeException>(() => histogram.Record(-1));
    }

    private static double Gaussian(Random random) =>
        Math.Sqrt(-2 * Math.Log(1 - random.NextDouble())) * Math.Cos(2 * Math.PI * random.NextDouble());
}
