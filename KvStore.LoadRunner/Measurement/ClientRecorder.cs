using System.Diagnostics;

namespace KvStore.LoadRunner.Measurement;

/// <summary>
/// What one load client measured. Only its own client writes to it; the progress display reads the running
/// totals from another thread, which is why those are published with volatile writes rather than locks.
/// </summary>
internal sealed class ClientRecorder
{
    private long _succeeded;
    private long _failed;
    private long _latencySumNs;

    /// <summary>Latency of each request, from its intended start in an open loop, from its send otherwise.</summary>
    public LogLinearHistogram Latency { get; } = new();

    /// <summary>Time from the actual send to the answer; differs from <see cref="Latency"/> only in an open loop.</summary>
    public LogLinearHistogram ServiceTime { get; } = new();

    public ErrorTally Errors { get; } = new();

    public long Succeeded => Volatile.Read(ref _succeeded);

    public long Failed => Volatile.Read(ref _failed);

    public long LatencySumNs => Volatile.Read(ref _latencySumNs);

    public void RecordSuccess(long latencyNs, long serviceTimeNs)
    {
        Latency.Record(latencyNs);
        ServiceTime.Record(serviceTimeNs);
        Volatile.Write(ref _latencySumNs, _latencySumNs + latencyNs);
        Volatile.Write(ref _succeeded, _succeeded + 1);
    }

    public void RecordFailure(string code)
    {
        Errors.Record(code);
        Volatile.Write(ref _failed, _failed + 1);
    }

    public static long ElapsedNanoseconds(long fromTimestamp, long toTimestamp) =>
        (long)((toTimestamp - fromTimestamp) * (1_000_000_000.0 / Stopwatch.Frequency));
}
