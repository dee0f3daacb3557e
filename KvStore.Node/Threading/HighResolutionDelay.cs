using System.Diagnostics;
using System.Runtime.InteropServices;

namespace KvStore.Node.Threading;

/// <summary>
/// Delays with sub-millisecond precision. <c>Task.Delay</c> rounds to the timer queue's millisecond ticks, so a
/// simulated 0.1–1 ms network lag would become 1–2 ms and skew every latency the experiment measures. One
/// dedicated thread keeps the pending wake-ups in due order: it blocks while the next one is far, and sleeps in
/// short <c>clock_nanosleep</c> slices (no spinning) while it is near.
/// </summary>
public sealed partial class HighResolutionDelay : IDisposable
{
    private static readonly long FarTicks = Stopwatch.Frequency * 2 / 1000;
    private static readonly long SliceNanoseconds = 50_000;

    // A plain object: Monitor.Wait/Pulse is the wake-up when an earlier deadline arrives.
    private readonly object _gate = new();
    private readonly PriorityQueue<TaskCompletionSource, long> _pending = new();
    private readonly Thread _thread;
    private bool _disposed;

    public HighResolutionDelay()
    {
        _thread = new Thread(Run) { IsBackground = true, Name = "kvstore-lag-timer" };
        _thread.Start();
    }

    public Task DelayAsync(TimeSpan delay, CancellationToken cancellationToken)
    {
        if (delay <= TimeSpan.Zero)
            return Task.CompletedTask;

        var due = Stopwatch.GetTimestamp() + (long)(delay.TotalSeconds * Stopwatch.Frequency);
        var wakeUp = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gate)
        {
            var wasEarliest = !_pending.TryPeek(out _, out var earliest) || due < earliest;
            _pending.Enqueue(wakeUp, due);
            if (wasEarliest)
                Monitor.Pulse(_gate);
        }

        return cancellationToken.CanBeCanceled ? wakeUp.Task.WaitAsync(cancellationToken) : wakeUp.Task;
    }

    private void Run()
    {
        var due = new List<TaskCompletionSource>();
        while (true)
        {
            long remaining;
            lock (_gate)
            {
                while (_pending.Count == 0 && !_disposed)
                    Monitor.Wait(_gate);
                if (_disposed)
                    return;

                var now = Stopwatch.GetTimestamp();
                while (_pending.TryPeek(out var wakeUp, out var at) && at <= now)
                {
                    _pending.Dequeue();
                    due.Add(wakeUp);
                }

                remaining = _pending.TryPeek(out _, out var next) ? next - now : 0;
                if (due.Count == 0 && remaining > FarTicks)
                {
                    Monitor.Wait(_gate, TimeSpan.FromSeconds((double)(remaining - FarTicks / 2) / Stopwatch.Frequency));
                    continue;
                }
            }

            foreach (var wakeUp in due)
                wakeUp.TrySetResult();
            due.Clear();

            if (remaining > 0)
                Sleep(Math.Min(SliceNanoseconds, remaining * 1_000_000_000 / Stopwatch.Frequency));
        }
    }

    private static void Sleep(long nanoseconds)
    {
        if (OperatingSystem.IsLinux())
        {
            var request = new TimeSpec { Seconds = 0, Nanoseconds = nanoseconds };
            _ = ClockNanosleep(ClockMonotonic, 0, in request, IntPtr.Zero);
        }
        else
        {
            Thread.Sleep(0);
        }
    }

    public void Dispose()
    {
        lock (_gate)
        {
            _disposed = true;
            Monitor.PulseAll(_gate);
        }

        _thread.Join();
    }

    private const int ClockMonotonic = 1;

    [StructLayout(LayoutKind.Sequential)]
    private struct TimeSpec
    {
        public long Seconds;
        public long Nanoseconds;
    }

    [LibraryImport("libc", EntryPoint = "clock_nanosleep")]
    private static partial int ClockNanosleep(int clock, int flags, in TimeSpec request, IntPtr remaining);
}
