using System.Text.Json;

namespace KvStore.LoadRunner.Cluster;

/// <summary>One key on which a follower disagrees with the leader; a null side means the key is absent there.</summary>
internal sealed record KeyDifference(string Key, JsonElement? LeaderValue, long? LeaderVersion, JsonElement? FollowerValue, long? FollowerVersion);

/// <summary>
/// A follower's state against the leader's. <see cref="Differences"/> lists at most a bounded number of keys (an empty
/// follower that is catching up would otherwise list the whole store); <see cref="DifferingKeys"/> counts them all.
/// </summary>
internal sealed record FollowerComparison(
    string Name,
    string Url,
    bool Matches,
    string? Error,
    long? AppliedIndex,
    int DifferingKeys,
    IReadOnlyList<KeyDifference> Differences)
{
    public static FollowerComparison Unreachable(NodeAddress follower, string error) =>
        new(follower.Name, follower.Url.ToString(), false, error, null, 0, []);
}

/// <summary>Every follower compared with the leader's <c>/data</c>, all fetched at the same moment.</summary>
internal sealed record ConsistencyReport(long LeaderAppliedIndex, int LeaderKeys, IReadOnlyList<FollowerComparison> Followers)
{
    public int MatchingFollowers => Followers.Count(f => f.Matches);

    public bool IsConsistent => MatchingFollowers == Followers.Count;

    public IEnumerable<FollowerComparison> Mismatches => Followers.Where(f => !f.Matches);
}
