using KvStore.LoadRunner.History;
using static KvStore.Tests.LoadRunner.History.Ops;

namespace KvStore.Tests.LoadRunner.History;

/// <summary>The checker on known histories, each one of the classic shapes.</summary>
public sealed class LinearizabilityTests
{
    [Fact]
    public void A_sequential_history_is_linearizable() =>
        Assert.Equal(Verdict.Linearizable, Check(
            Read(0, 1, null, 0), Write(2, 3, "a", 1), Read(4, 5, "a", 1), Cas(6, 7, 1, "b", 2), Read(8, 9, "b", 2)));

    [Fact]
    public void A_stale_read_after_a_newer_write_completed_is_a_violation() =>
        Assert.Equal(Verdict.Violation, Check(
            Write(0, 10, "a", 1), Write(20, 30, "b", 2), Read(40, 50, "a", 1)));

    [Fact]
    public void Two_successful_cas_from_the_same_version_are_a_lost_update() =>
        Assert.Equal(Verdict.Violation, Check(
            Write(0, 10, "a", 1), Cas(20, 40, 1, "b", 2, client: 1), Cas(21, 41, 1, "c", 3, client: 2)));

    [Fact]
    public void A_read_that_misses_a_completed_write_for_an_older_value_is_a_lost_update() =>
        Assert.Equal(Verdict.Violation, Check(
            Write(0, 10, "a", 1), Write(5, 15, "b", 2, client: 1), Read(20, 30, "a", 1), Read(40, 50, "b", 2)));

    [Fact]
    public void A_cas_that_succeeded_against_a_version_that_never_existed_is_a_violation() =>
        Assert.Equal(Verdict.Violation, Check(
            Write(0, 10, "a", 1), Cas(20, 30, 7, "b", 8), Read(40, 50, "b", 8)));

    [Fact]
    public void A_cas_refused_although_the_key_was_at_its_expected_version_is_a_violation() =>
        Assert.Equal(Verdict.Violation, Check(Write(0, 10, "a", 1), CasMismatch(20, 30, 1, 1)));

    [Fact]
    public void A_cas_refused_against_another_version_is_fine() =>
        Assert.Equal(Verdict.Linearizable, Check(Write(0, 10, "a", 1), CasMismatch(20, 30, 5, 1), Read(40, 50, "a", 1)));

    [Fact]
    public void Reads_overlapping_a_write_may_see_either_side_of_it() =>
        Assert.Equal(Verdict.Linearizable, Check(
            Write(0, 100, "a", 1), Read(10, 20, null, 0, client: 1), Read(30, 40, "a", 1, client: 2), Read(50, 60, "a", 1, client: 1)));

    [Fact]
    public void Concurrent_writes_may_take_effect_in_the_order_opposite_to_their_invokes() =>
        Assert.Equal(Verdict.Linearizable, Check(
            Write(0, 50, "a", 2, client: 1), Write(10, 40, "b", 1, client: 2), Read(60, 70, "a", 2)));

    [Fact]
    public void Once_a_read_saw_the_overlapping_write_a_later_read_cannot_see_the_old_value() =>
        Assert.Equal(Verdict.Violation, Check(
            Write(0, 100, "a", 1), Read(10, 20, "a", 1, client: 1), Read(30, 40, null, 0, client: 2)));

    [Fact]
    public void Versions_must_grow_in_the_order_writes_take_effect() =>
        Assert.Equal(Verdict.Violation, Check(Write(0, 10, "a", 5), Write(20, 30, "b", 3)));

    [Fact]
    public void A_timed_out_write_may_appear_long_after_its_invoke_with_any_version() =>
        Assert.Equal(Verdict.Linearizable, Check(
            TimedOutWrite(0, "a"), Read(100, 110, null, 0), Read(200, 210, "a", 9), Cas(300, 310, 9, "b", 10)));

    [Fact]
    public void A_timed_out_write_may_never_appear() =>
        Assert.Equal(Verdict.Linearizable, Check(TimedOutWrite(0, "a", version: 1), Read(100, 110, null, 0), Read(200, 210, null, 0)));

    [Fact]
    public void A_timed_out_write_that_appeared_cannot_disappear_again() =>
        Assert.Equal(Verdict.Violation, Check(TimedOutWrite(0, "a"), Read(100, 110, "a", 4), Read(200, 210, null, 0)));

    [Fact]
    public void A_timed_out_write_that_named_its_version_appears_only_at_that_version() =>
        Assert.Equal(Verdict.Violation, Check(TimedOutWrite(0, "a", version: 3), Read(100, 110, "a", 4)));

    [Fact]
    public void The_minimal_window_of_a_long_history_is_the_few_ops_around_the_stale_read()
    {
        var ops = new List<HistoryOp>();
        long version = 0;
        for (var i = 0; i < 40; i++)
        {
            ops.Add(Write(i * 100, i * 100 + 10, $"v{i}", ++version));
            ops.Add(Read(i * 100 + 20, i * 100 + 30, $"v{i}", version, client: 1));
        }

        var stale = Read(2040, 2050, "v19", 20, client: 2);
        ops.Add(stale);
        Assert.Equal(Verdict.Violation, Linearizability.Check(ops, RegisterState.Absent));

        var window = MinimalWindow.Find(ops);
        Assert.Contains(stale, window.Ops);
        Assert.True(window.Ops.Count <= 3, string.Join("\n", window.Ops));
        Assert.False(window.FromStart);
    }

    [Fact]
    public void The_history_checker_reports_each_key_and_the_follower_reads()
    {
        var a = Write(0, 10, "a", 1);
        var stale = Read(40, 50, "a", 1) with { Key = "k2" };
        var verdict = HistoryChecker.Check(
            [a, Write(20, 30, "b", 2), a with { Id = 1000, Key = "k2" }, Write(20, 30, "c", 2) with { Key = "k2" }, stale],
            [
                new FollowerRead(1, 0, "k", "follower1", 2, 60, 70, "b", 2),
                new FollowerRead(2, 0, "k", "follower2", 2, 60, 70, "a", 1),
                new FollowerRead(3, 0, "k", "follower3", 2, 60, 70, null, 0, "stale_read"),
            ]);

        Assert.False(verdict.Passed);
        Assert.Equal(Verdict.Linearizable, verdict.Keys.Single(k => k.Key == "k").Verdict);
        var k2 = verdict.Keys.Single(k => k.Key == "k2");
        Assert.Equal(Verdict.Violation, k2.Verdict);
        Assert.Contains(stale, k2.Window!.Ops);
        Assert.Equal(2, Assert.Single(verdict.ReadYourWrites).Read.Id);
    }
}
