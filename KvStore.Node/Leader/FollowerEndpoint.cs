namespace KvStore.Node.Leader;

/// <summary>A follower as the leader knows it: the name it reports and the URL it replicates to.</summary>
public readonly record struct FollowerEndpoint(string Name, Uri Url);
