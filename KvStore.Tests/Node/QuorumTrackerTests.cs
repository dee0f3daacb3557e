using KvStore.Node.Leader;
using KvStore.Node.Leader.Quorum;

namespace KvStore.Tests.Node;

public sealed class QuorumTrackerTests
{
    private static readonly TimeSpan Long = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task A_write_completes_when_the_kth_follower_acknowledges_it()
    {
        var tracker = new QuorumTracker(5);
        var q1 = tracker.WaitAsync(10, 1, Long, CancellationToken.None);
        var q3 = tracker.WaitAsync(10, 3, Long, CancellationToken.None);
        var q5 = tracker.WaitAsync(10, 5, Long, CancellationToken.None);

        tracker.Acknowledge(0, 12);
        Assert.True(await q1);
        Assert.False(q3.IsCompleted);

        tracker.Acknowledge(1, 9);
        tracker.Acknowledge(2, 10);
        Assert.False(q3.IsCompleted);
        tracker.Acknowledge(1, 10);
        Assert.True(await q3);
        Assert.False(q5.IsCompleted);
        Assert.Equal(3, tracker.CountAcked(10));

        tracker.Acknowledge(3, 11);
        tracker.Acknowledge(4, 10);
        Assert.True(await q5);
    }

    [Fact]
    public async Task Acknowledgements_never_move_back_unless_the_replica_lost_its_state()
    {
        var tracker = new QuorumTracker(2);
        tracker.Acknowledge(0, 50);
        tracker.Acknowledge(0, 20);
        Assert.Equal(50, tracker.AckedBy(0));

        tracker.Acknowledge(0, 0, replicaLostState: true);
        Assert.Equal(0, tracker.AckedBy(0));
        Assert.False(await tracker.WaitAsync(1, 1, TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task A_wait_times_out_with_false()
    {
        var tracker = new QuorumTracker(3);
        tracker.Acknowledge(0, 5);
        Assert.False(await tracker.WaitAsync(5, 2, TimeSpan.FromMilliseconds(50), CancellationToken.None));
        Assert.True(await tracker.WaitAsync(5, 1, TimeSpan.FromMilliseconds(50), CancellationToken.None));
    }

    [Fact]
    public async Task Entries_held_ahead_of_a_followers_log_count_toward_the_quorum_once()
    {
        var tracker = new QuorumTracker(3);
        var q2 = tracker.WaitAsync(5, 2, Long, CancellationToken.None);
        var q3 = tracker.WaitAsync(5, 3, Long, CancellationToken.None);

        // Follower 0 holds 5 before 4 arrived; follower 1 holds 6..7 (not 5) and then applies up to 7.
        tracker.Hold(0, 5, 5);
        tracker.Hold(1, 6, 7);
        Assert.False(q2.IsCompleted);
        Assert.Equal(1, tracker.CountAcked(5));
        Assert.True(tracker.Has(0, 5));
        Assert.False(tracker.Has(0, 4));

        tracker.Acknowledge(1, 7);
        Assert.True(await q2);
        Assert.False(q3.IsCompleted);

        // Follower 0 applying through 5 is the same entry it already held: still two followers.
        tracker.Acknowledge(0, 5);
        Assert.Equal(2, tracker.CountAcked(5));
        Assert.False(q3.IsCompleted);

        tracker.Hold(2, 5, 9);
        Assert.True(await q3);
        Assert.Equal(1, tracker.CountAcked(9));
    }

    [Fact]
    public void A_follower_that_lost_its_state_no_longer_holds_anything()
    {
        var tracker = new QuorumTracker(1);
        tracker.Acknowledge(0, 3);
        tracker.Hold(0, 5, 8);
        Assert.True(tracker.Has(0, 6));

        tracker.Acknowledge(0, 0, replicaLostState: true);
        Assert.False(tracker.Has(0, 6));
        Assert.False(tracker.Has(0, 3));
        Assert.Equal(0, tracker.CountAcked(1));

        // Held ranges at or below the acknowledged index add nothing.
        tracker.Acknowledge(0, 10);
        tracker.Hold(0, 4, 9);
        Assert.Equal(1, tracker.CountAcked(10));
        Assert.False(tracker.Has(0, 11));
    }
}
