using KvStore.Node.Leader;

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
}
