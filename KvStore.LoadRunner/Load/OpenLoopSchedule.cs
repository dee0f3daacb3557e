using System.Diagnostics;

namespace KvStore.LoadRunner.Load;

/// <summary>
/// Intended start times of an open-loop run: request n is due at start + n/rate whatever happened to earlier ones.
/// Clients take the next due slot when free. Latency is measured from the slot's time, not from the send, so when
/// the cluster stalls the requests that should have been sent meanwhile count their wait (no coordinated omission).
/// </summary>
internal sealed class OpenLoopSchedule(long startTimestamp, double ratePerSecond, long endTimestamp)
{
    private readonly double _ticksPerRequest = Stopwatch.Frequency / ratePerSecond;
    private long _next = -1;

    /// <summary>How many requests the rate asks for over the whole run.</summary>
    public long ExpectedCount => (long)Math.Ceiling((endTimestamp - startTimestamp) / _ticksPerRequest);

    public bool TryNext(out long intendedTimestamp)
    {
        // One interlocked increment per request; at the rates one HTTP/1.1 client machine drives that is no contention.
        var n = Interlocked.Increment(ref _next);
        intendedTimestamp = startTimestamp + (long)(n * _ticksPerRequest);
        return intendedTimestamp < endTimestamp;
    }
}
