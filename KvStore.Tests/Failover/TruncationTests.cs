using System.Text;
using KvStore.Node.Failover;
using KvStore.Node.Follower;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;
using Microsoft.Extensions.Logging.Abstractions;

namespace KvStore.Tests.Failover;

/// <summary>A replica's log against a newer leader's epoch history, on a real data directory.</summary>
public sealed class TruncationTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvstore-epochs-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    private (ReplicaApplier Applier, WriteAheadLog Log, KeyValueState State, EpochStore Epochs) Open()
    {
        var state = new KeyValueState();
        var log = WriteAheadLog.Open(_dir, null, state, retain: 0, 1 << 20, FsyncPolicy.Always, TimeProvider.System, NullLogger.Instance);
        var epochs = new EpochStore(_dir);
        return (new ReplicaApplier(state, log, epochs, NullLogger<ReplicaApplier>.Instance), log, state, epochs);
    }

    private static List<LogEntry> Entries(long from, long to) =>
        [.. Enumerable.Range((int)from, (int)(to - from + 1)).Select(i => new LogEntry(i, $"k{i}", Encoding.UTF8.GetBytes(i.ToString(System.Globalization.CultureInfo.InvariantCulture))))];

    [Fact]
    public async Task A_tail_the_newer_leader_lacks_is_truncated_on_disk_and_older_epochs_are_refused_for_good()
    {
        var ct = TestContext.Current.CancellationToken;
        var logId = Guid.NewGuid();
        var (applier, log, state, _) = Open();
        await using (log)
        {
            Assert.True(await applier.FollowLeaderAsync(logId, 1, EpochHistory.Initial, ct));
            await applier.ApplyAsync(logId, 1, Entries(1, 10), ct);
            Assert.Equal(10, state.AppliedIndex);

            // The leader of epoch 2 took over at index 6: entries 6..10 of epoch 1 were never acknowledged at quorum.
            Assert.True(await applier.FollowLeaderAsync(logId, 2, [new(1, 1), new(2, 6)], ct));
            Assert.Equal(0, state.AppliedIndex);
            Assert.False(state.TryGet("k7", out _));

            // The deposed leader of epoch 1 is refused, by the handshake and frame by frame.
            Assert.False(await applier.FollowLeaderAsync(logId, 1, EpochHistory.Initial, ct));
            await Assert.ThrowsAsync<StaleEpochException>(() => applier.AppendAsync(logId, 1, Entries(1, 1), ct));

            await applier.ApplyAsync(logId, 2, Entries(1, 7), ct);
        }

        // After a restart: the new leader's entries, no trace of the old tail past them, and still epoch 2.
        var (reopened, log2, state2, epochs2) = Open();
        await using (log2)
        {
            Assert.Equal(7, log2.LastIndex);
            Assert.Equal(7, state2.AppliedIndex);
            Assert.Equal(2, epochs2.Current);
            Assert.False(await reopened.FollowLeaderAsync(logId, 1, EpochHistory.Initial, ct));
        }
    }

    [Fact]
    public async Task Fencing_makes_a_newer_epoch_durable_and_reports_where_the_log_ends()
    {
        var ct = TestContext.Current.CancellationToken;
        var logId = Guid.NewGuid();
        var (applier, log, _, _) = Open();
        await using (log)
        {
            await applier.FollowLeaderAsync(logId, 1, EpochHistory.Initial, ct);
            await applier.ApplyAsync(logId, 1, Entries(1, 4), ct);
            var (adopted, position) = await applier.FenceAsync(3, ct);
            Assert.True(adopted);
            Assert.Equal(new LogPosition(1, 4), position);
            await Assert.ThrowsAsync<StaleEpochException>(() => applier.AppendAsync(logId, 1, Entries(5, 5), ct));
            Assert.False((await applier.FenceAsync(2, ct)).Adopted);
        }

        Assert.Equal(3, new EpochStore(_dir).Current);
    }
}
