using KvStore.ServiceDefaults.ServiceDiscovery;

namespace KvStore.LoadRunner.Cluster;

/// <summary>Finds the followers through the leader's <c>GET /cluster</c>.</summary>
internal static class ClusterDiscovery
{
    /// <summary>
    /// The leader lists each follower by the name it was configured with and the URL it replicates to. That URL is
    /// the leader's view: under Compose it is a container host name the load runner on the host cannot resolve.
    /// So a follower whose name is a service this process knows (<c>services:follower1:http:0</c>) is reached through
    /// that reference, as an Aspire resource would be, and otherwise through the URL the leader reports.
    /// </summary>
    public static async Task<ClusterTopology> DiscoverAsync(KvClient client, ServiceEndpointResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resolver);
        var answer = await client.GetClusterAsync(cancellationToken);
        var followers = new List<NodeAddress>(answer.Followers.Count);
        foreach (var follower in answer.Followers)
        {
            if (!IsUrl(follower.Name) && resolver.TryResolve(follower.Name, out var ours))
                followers.Add(new NodeAddress(follower.Name, ours));
            else if (Uri.TryCreate(follower.Url, UriKind.Absolute, out var reported))
                followers.Add(new NodeAddress(follower.Name, reported));
            else
                throw new ClusterUnreachableException($"The leader at {client.Leader} lists follower '{follower.Name}' with an unusable URL '{follower.Url}'.");
        }

        return new ClusterTopology(new NodeAddress(answer.Leader, client.Leader), answer.WriteQuorum, followers);
    }

    private static bool IsUrl(string name) => name.Contains("://", StringComparison.Ordinal);
}
