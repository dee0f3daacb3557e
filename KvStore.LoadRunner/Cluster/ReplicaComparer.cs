using System.Text.Json;

namespace KvStore.LoadRunner.Cluster;

/// <summary>Compares a follower's <c>/data</c> with the leader's: applied index, then every key's version and value.</summary>
internal static class ReplicaComparer
{
    public const int DefaultMaxListedKeys = 1000;

    public static FollowerComparison Compare(DataSnapshot leader, NodeAddress follower, DataSnapshot replica, int maxListedKeys = DefaultMaxListedKeys)
    {
        ArgumentNullException.ThrowIfNull(leader);
        ArgumentNullException.ThrowIfNull(replica);

        var differences = new List<KeyDifference>();
        var differing = 0;
        foreach (var key in leader.Data.Keys.Union(replica.Data.Keys, StringComparer.Ordinal).Order(StringComparer.Ordinal))
        {
            var inLeader = leader.Data.TryGetValue(key, out var ours);
            var inReplica = replica.Data.TryGetValue(key, out var theirs);
            if (inLeader && inReplica && Same(ours!, theirs!))
                continue;

            differing++;
            if (differences.Count < maxListedKeys)
                differences.Add(new KeyDifference(key, ours?.Value, ours?.Version, theirs?.Value, theirs?.Version));
        }

        // The reference labs' definition of a matching replica: the same applied index and the same data.
        var matches = differing == 0 && leader.AppliedIndex == replica.AppliedIndex;
        var name = string.IsNullOrEmpty(replica.Node) || replica.Node == follower.Name ? follower.Name : $"{replica.Node} [{follower.Name}]";
        return new FollowerComparison(name, follower.Url.ToString(), matches, null, replica.AppliedIndex, differing, differences);
    }

    private static bool Same(DataItem a, DataItem b) => a.Version == b.Version && JsonElement.DeepEquals(a.Value, b.Value);
}
