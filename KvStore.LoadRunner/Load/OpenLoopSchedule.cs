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

    /// <summary>
    /// Waits until <paramref name="timestamp"/> and never returns before it. Task.Delay counts whole milliseconds of a
    /// coarse clock (a 0.5 ms delay returns at once; a 3 ms one can fire after 2.1 ms), and a request sent early would be
    /// measured as faster than it was; so the last fraction of a millisecond is yielded away. Lateness of the timer,
    /// on the other hand, is counted against the cluster, as it would be for a real client whose request is queued.
    /// </summary>
    public static async Task WaitUntilAsync(long timestamp, CancellationToken cancellationToken)
    {
        while (true)
        {
            var remainingMs = (timestamp - Stopwatch.GetTimestamp()) * 1000.0 / Stopwatch.Frequency;
            if (remainingMs <= 0)
                return;
            if (remainingMs >= 1)
                await Task.Delay(TimeSpan.FromMilliseconds(Math.Floor(remainingMs)), cancellationToken);
            else
                await Task.Yield();
            cancellationToken.ThrowIfCancellationRequested();
        }
    }

    public bool TryNext(out long intendedTimestamp)
    {
        // One interlocked increment per request; at the rates one HTTP/1.1 client machine drives that is no contention.
        var n = Interlocked.Increment(ref _next);
        intendedTimestamp = startTimestamp + (long)(n * _ticksPerRequest);
        return intendedTimestamp < endTimestamp;
    }
}
