namespace KvStore.LoadRunner.Load;

/// <summary>Running totals of a bench, read while it runs; differences of two give the last interval's figures.</summary>
internal readonly record struct BenchProgress(TimeSpan Elapsed, long Succeeded, long Failed, long LatencySumNs)
{
    public BenchProgress Since(BenchProgress earlier) =>
        new(Elapsed - earlier.Elapsed, Succeeded - earlier.Succeeded, Failed - earlier.Failed, LatencySumNs - earlier.LatencySumNs);

    public double OpsPerSecond => Elapsed > TimeSpan.Zero ? Succeeded / Elapsed.TotalSeconds : 0;

    public double MeanLatencyMs => Succeeded > 0 ? LatencySumNs / 1e6 / Succeeded : 0;
}
