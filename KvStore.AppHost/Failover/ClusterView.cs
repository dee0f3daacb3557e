namespace KvStore.AppHost.Failover;

/// <summary>
/// What one node's <c>GET /cluster</c> says, the fields the AppHost uses (the node's ClusterResponse): its role, the
/// newest epoch it knows and the leader URL it knows of (null during an election).
/// </summary>
public sealed record ClusterView(string? Role, long Epoch, string? LeaderUrl);

/// <summary>One node's answer as the AppHost saw it: <see cref="View"/> is null when the node did not answer.</summary>
public sealed record NodeObservation(string Name, Uri Url, ClusterView? View);

/// <summary>Who leads, from the nodes' answers. Pure: the probing is in <see cref="ClusterProbe"/>.</summary>
public static class CurrentLeader
{
    /// <summary>
    /// The node that says it leads with the highest epoch (a deposed leader that has not noticed yet says so with an
    /// older one); if none answers as leader, the node a follower names, the highest epoch first. Null: no leader
    /// known, as during an election.
    /// </summary>
    public static NodeObservation? Find(IReadOnlyList<NodeObservation> nodes)
    {
        var leading = nodes.Where(n => n.View?.Role == "leader").MaxBy(n => n.View!.Epoch);
        if (leading is not null)
            return leading;
        return nodes.Where(n => n.View?.LeaderUrl is not null).OrderByDescending(n => n.View!.Epoch)
            .Select(n => NamedBy(nodes, n.View!.LeaderUrl)).FirstOrDefault(n => n is not null);
    }

    /// <summary>The node a URL names, by port: every node of the AppHost listens on a host port of its own.</summary>
    public static NodeObservation? NamedBy(IReadOnlyList<NodeObservation> nodes, string? url) =>
        Uri.TryCreate(url, UriKind.Absolute, out var uri) ? nodes.FirstOrDefault(n => n.Url.Port == uri.Port) : null;

    /// <summary>The leader this node knows of, by resource name: itself when it leads.</summary>
    public static string? LeaderSeenBy(IReadOnlyList<NodeObservation> nodes, NodeObservation node) =>
        node.View?.Role == "leader" ? node.Name : NamedBy(nodes, node.View?.LeaderUrl)?.Name ?? node.View?.LeaderUrl;
}
