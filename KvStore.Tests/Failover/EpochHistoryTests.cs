using CsCheck;
using KvStore.Node.Failover;

namespace KvStore.Tests.Failover;

public sealed class EpochHistoryTests
{
    private static readonly IReadOnlyList<EpochStart> OneTwo = [new(1, 1), new(2, 6)];

    [Fact]
    public void An_entry_belongs_to_the_last_epoch_that_started_at_or_before_it()
    {
        Assert.Equal(0, EpochHistory.EpochAt(OneTwo, 0));
        Assert.Equal(1, EpochHistory.EpochAt(OneTwo, 5));
        Assert.Equal(2, EpochHistory.EpochAt(OneTwo, 6));
        Assert.Equal(5, EpochHistory.EndOf(OneTwo, 1));
        Assert.Equal(long.MaxValue, EpochHistory.EndOf(OneTwo, 2));
    }

    [Fact]
    public void A_deposed_leaders_tail_past_the_end_of_its_epoch_does_not_agree()
    {
        // The old leader of epoch 1 wrote 1..10; the leader of epoch 2 started at 6, so 6..10 were never acknowledged.
        Assert.Equal(5, EpochHistory.AgreedPrefix(EpochHistory.Initial, 10, OneTwo));
        Assert.Equal(4, EpochHistory.AgreedPrefix(EpochHistory.Initial, 4, OneTwo));
        // A follower of epoch 2 agrees with a leader of epoch 3 that started after its log ends.
        Assert.Equal(8, EpochHistory.AgreedPrefix(OneTwo, 8, [new(1, 1), new(2, 6), new(3, 9)]));
        // A leader of epoch 3 that never saw epoch 2 (it started at 6 too): 6..8 of epoch 2 go.
        Assert.Equal(5, EpochHistory.AgreedPrefix(OneTwo, 8, [new(1, 1), new(3, 6)]));
    }

    [Fact]
    public void A_log_always_agrees_with_its_own_history_and_never_past_its_end()
    {
        var histories =
            from starts in Gen.Long[1, 40].Array[1, 5]
            from last in Gen.Long[0, 50] // a log's first epoch starts at its first entry
            select (History: starts.Append(1).Distinct().Order().Select((s, i) => new EpochStart(i + 1, s)).ToArray(), last);
        histories.Sample((history, last) =>
            EpochHistory.AgreedPrefix(history, last, history) == last &&
            EpochHistory.AgreedPrefix(history, last, OneTwo) <= last);
    }

    [Fact]
    public void The_history_round_trips_through_its_text_form_and_bad_text_is_refused()
    {
        Assert.Equal(OneTwo, EpochHistory.Parse(EpochHistory.Format(OneTwo)));
        Assert.Null(EpochHistory.Parse("2:1,1:5"));
        Assert.Null(EpochHistory.Parse("1:x"));
        Assert.Null(EpochHistory.Parse(""));
    }
}
