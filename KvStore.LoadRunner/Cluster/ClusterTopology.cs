namespace KvStore.LoadRunner.Cluster;

/// <summary>The cluster as the leader's <c>GET /cluster</c> describes it.</summary>
internal sealed record ClusterTopology(NodeAddress Leader, int WriteQuorum, IReadOnlyList<NodeAddress> Followers);
