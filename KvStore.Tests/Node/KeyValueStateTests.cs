using System.Diagnostics;
using CsCheck;
using KvStore.Node.Storage;

namespace KvStore.Tests.Node;

/// <summary>
/// Snapshots (<c>GET /data</c>, compaction, catching a follower up) of a large state: exact as of their applied index,
/// and writes keep being applied while one is taken.
/// </summary>
public sealed class KeyValueStateTests
{
    private const int Keys = 300_000;
    private const int MaxSnapshotsPerCase = 20;
    private static readonly byte[] Value = "1"u8.ToArray();

    [Fact]
    public async Task Writes_are_applied_while_a_snapshot_of_many_keys_is_being_sorted()
    {
        var state = new KeyValueState();
        // Keys in no particular order, so that sorting them is real work.
        var random = new Random(7);
        for (var i = 1; i <= Keys; i++)
            state.Apply(new LogEntry(i, $"key:{random.Next():x8}:{i}", Value));

        var started = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var snapshotting = Task.Run(() =>
        {
            started.SetResult();
            var clock = Stopwatch.StartNew();
            var snapshot = state.Snapshot();
            return (Snapshot: snapshot, Took: clock.Elapsed);
        }, TestContext.Current.CancellationToken);
        await started.Task;

        // One writer applying "w" over and over for as long as the snapshot takes; its slowest apply is the stall.
        var longestApply = TimeSpan.Zero;
        var index = (long)Keys;
        while (!snapshotting.IsCompleted)
        {
            var clock = Stopwatch.StartNew();
            state.Apply(new LogEntry(++index, "w", Value));
            longestApply = TimeSpan.FromTicks(Math.Max(longestApply.Ticks, clock.Elapsed.Ticks));
        }

        var (snapshot, took) = await snapshotting;
        Assert.True(longestApply < took / 2, $"a write waited {longestApply.TotalMilliseconds:0.0} ms for a snapshot that took {took.TotalMilliseconds:0.0} ms");

        // Exact as of its index: "w" is there exactly when the snapshot's index is past the initial keys, with that version.
        var w = snapshot.Items.Where(i => i.Key == "w").ToArray();
        if (snapshot.AppliedIndex > Keys)
            Assert.Equal(snapshot.AppliedIndex, Assert.Single(w).Version);
        else
            Assert.Empty(w);
        Assert.Equal(snapshot.AppliedIndex > Keys ? Keys + 1 : Keys, snapshot.Items.Length);
        for (var i = 1; i < snapshot.Items.Length; i++)
            Assert.True(StoredItem.CompareKeys(snapshot.Items[i - 1], snapshot.Items[i]) < 0, "snapshot items are in key order");
    }

    /// <summary>
    /// Against a model that replays the log: whatever writes and deletes run while snapshots are taken, each snapshot
    /// equals the log's entries up to its applied index, replayed in order.
    /// </summary>
    [Fact]
    public void A_snapshot_taken_during_writes_is_exactly_the_state_at_its_index()
    {
        var operations = Gen.Select(Gen.Int[0, 63], Gen.Int[0, 3]).Array[100, 3000];
        Gen.Select(Gen.Int[0, 5000], operations).Sample((initial, writes) =>
        {
            var state = new KeyValueState();
            var log = new List<LogEntry>();
            for (var i = 0; i < initial; i++)
                log.Add(new LogEntry(log.Count + 1, $"initial:{i}", Value));
            foreach (var (key, kind) in writes)
                log.Add(new LogEntry(log.Count + 1, $"k{key}", kind == 0 ? null : BitConverter.GetBytes(log.Count + 1)));

            foreach (var entry in log.Take(initial))
                state.Apply(entry);
            var writer = Task.Run(() =>
            {
                foreach (var entry in log.Skip(initial))
                    state.Apply(entry);
            });
            // Bounded: an unbounded snapshot loop kept both cores and gigabytes busy for seconds, stalling the
            // in-process clusters of tests running beside this one (they share the process, its CPU and its GC).
            var snapshots = new List<StateSnapshot>();
            do
                snapshots.Add(state.Snapshot());
            while (!writer.IsCompleted && snapshots.Count < MaxSnapshotsPerCase);
            writer.GetAwaiter().GetResult();

            foreach (var snapshot in snapshots)
                Assert.Equal(Replay(log, snapshot.AppliedIndex), Describe(snapshot));
        }, iter: 60, threads: 1);
    }

    private static string Replay(List<LogEntry> log, long upTo)
    {
        var model = new SortedDictionary<string, StoredItem>(StringComparer.Ordinal);
        foreach (var entry in log.Take((int)upTo))
        {
            if (entry.Value is null)
                model.Remove(entry.Key);
            else
                model[entry.Key] = StoredItem.Create(entry.Index, entry.Key, entry.Value);
        }

        return Describe(new StateSnapshot(upTo, [.. model.Values]));
    }

    private static string Describe(StateSnapshot snapshot) =>
        snapshot.AppliedIndex + ":" + string.Join(';', snapshot.Items.Select(i => $"{i.Key}={i.Version}/{Convert.ToHexString(i.Value.Span)}"));
}
