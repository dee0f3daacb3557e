using System.Text.Json;
using KvStore.LoadRunner.Cluster;

namespace KvStore.Tests.LoadRunner;

public sealed class ReplicaComparerTests
{
    private static readonly NodeAddress Follower = new("follower2", new Uri("http://127.0.0.1:8002"));

    [Fact]
    public void Identical_replicas_match()
    {
        var leader = Snapshot("leader", 3, ("a", "1", 1), ("b", "{\"x\": [1, 2]}", 3));
        var follower = Snapshot("follower2", 3, ("b", "{\"x\":[1,2]}", 3), ("a", "1", 1));

        var comparison = ReplicaComparer.Compare(leader, Follower, follower);

        Assert.True(comparison.Matches);
        Assert.Equal(0, comparison.DifferingKeys);
        Assert.Equal("follower2", comparison.Name);
    }

    [Fact]
    public void A_lagging_replica_is_diffed_key_by_key_with_both_sides()
    {
        var leader = Snapshot("leader", 5, ("a", "\"new\"", 4), ("b", "2", 2), ("c", "3", 5));
        var follower = Snapshot("follower2", 3, ("a", "\"old\"", 1), ("b", "2", 2), ("zombie", "0", 3));

        var comparison = ReplicaComparer.Compare(leader, Follower, follower);

        Assert.False(comparison.Matches);
        Assert.Equal(3, comparison.AppliedIndex);
        Assert.Equal(["a", "c", "zombie"], comparison.Differences.Select(d => d.Key));
        var a = comparison.Differences[0];
        Assert.Equal(("\"new\"", 4L, "\"old\"", 1L), (a.LeaderValue?.GetRawText(), a.LeaderVersion, a.FollowerValue?.GetRawText(), a.FollowerVersion));
        Assert.Null(comparison.Differences[1].FollowerValue);
        Assert.Null(comparison.Differences[2].LeaderVersion);
    }

    [Fact]
    public void Same_data_at_another_applied_index_is_not_a_match()
    {
        var comparison = ReplicaComparer.Compare(Snapshot("leader", 9, ("a", "1", 1)), Follower, Snapshot("follower2", 8, ("a", "1", 1)));

        Assert.False(comparison.Matches);
        Assert.Equal(0, comparison.DifferingKeys);
    }

    [Fact]
    public void Long_diffs_are_capped_but_fully_counted()
    {
        var leader = Snapshot("leader", 50, Enumerable.Range(0, 50).Select(i => ($"k{i:00}", "1", (long)i + 1)).ToArray());
        var comparison = ReplicaComparer.Compare(leader, Follower, Snapshot("follower2", 0), maxListedKeys: 10);

        Assert.Equal(50, comparison.DifferingKeys);
        Assert.Equal(10, comparison.Differences.Count);
        Assert.Equal("k00", comparison.Differences[0].Key);
    }

    private static DataSnapshot Snapshot(string node, long appliedIndex, params (string Key, string Json, long Version)[] items) =>
        new(node, node == "leader" ? "leader" : "follower", appliedIndex,
            items.ToDictionary(i => i.Key, i => new DataItem(JsonDocument.Parse(i.Json).RootElement.Clone(), i.Version), StringComparer.Ordinal));
}
