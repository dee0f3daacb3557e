using System.Diagnostics;
using KvStore.LoadRunner.Load;

namespace KvStore.Tests.LoadRunner;

public sealed class OpenLoopScheduleTests
{
    [Fact]
    public void Slots_are_due_at_start_plus_n_over_rate_until_the_end()
    {
        var second = Stopwatch.Frequency;
        var schedule = new OpenLoopSchedule(startTimestamp: 1_000, ratePerSecond: 4, endTimestamp: 1_000 + second);

        var slots = new List<long>();
        while (schedule.TryNext(out var intended))
            slots.Add(intended);

        Assert.Equal(4, schedule.ExpectedCount);
        Assert.Equal(new[] { 0, 1, 2, 3 }.Select(n => 1_000 + n * second / 4), slots);
    }

    [Fact]
    public async Task Waiting_for_a_slot_never_returns_early_even_below_a_millisecond()
    {
        var random = new Random(11);
        for (var i = 0; i < 30; i++)
        {
            var due = Stopwatch.GetTimestamp() + (long)(random.NextDouble() * 0.003 * Stopwatch.Frequency);
            await OpenLoopSchedule.WaitUntilAsync(due, CancellationToken.None);
            Assert.True(Stopwatch.GetTimestamp() >= due);
        }
    }
}
