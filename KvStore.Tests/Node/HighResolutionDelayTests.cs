using System.Diagnostics;
using KvStore.Node.SimulatedLag;
using KvStore.Node.Threading;

namespace KvStore.Tests.Node;

public sealed class HighResolutionDelayTests
{
    [Fact]
    public async Task Never_wakes_before_the_delay_and_honours_cancellation()
    {
        using var delay = new HighResolutionDelay();
        var random = new Random(3);
        var waits = Enumerable.Range(0, 200).Select(async _ =>
        {
            var requested = TimeSpan.FromMicroseconds(random.Next(100, 1000));
            var clock = Stopwatch.StartNew();
            await delay.DelayAsync(requested, CancellationToken.None);
            return (requested, clock.Elapsed);
        });

        foreach (var (requested, elapsed) in await Task.WhenAll(waits))
            Assert.True(elapsed >= requested, $"woke after {elapsed.TotalMicroseconds} µs of {requested.TotalMicroseconds}");

        using var cancel = new CancellationTokenSource();
        var long_ = delay.DelayAsync(TimeSpan.FromMinutes(5), cancel.Token);
        await cancel.CancelAsync();
        await Assert.ThrowsAnyAsync<OperationCanceledException>(() => long_);
    }
}
