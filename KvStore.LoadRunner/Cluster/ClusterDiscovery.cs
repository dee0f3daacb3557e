using KvStore.ServiceDefaults;
using Microsoft.Extensions.ServiceDiscovery;

namespace KvStore.LoadRunner.Cluster;

/// <summary>Finds the followers through the leader's <c>GET /cluster</c>.</summary>
internal static class ClusterDiscovery
{
    /// <summary>
    /// The leader lists each follower by the name it was configured with, the URL it replicates to and, when the
    /// follower has an ADVERTISED_URL, the URL clients outside reach it at. The replication URL is the leader's view:
    /// under Compose it is a container host name the load runner on the host cannot resolve. So a follower is reached
    /// through a service reference this process knows by its name (<c>services:follower1:http:0</c>), as an Aspire
    /// resource would be, else through its advertised URL, else through the URL the leader replicates to.
    /// </summary>
    public static async Task<ClusterTopology> DiscoverAsync(KvClient client, ServiceEndpointResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(resolver);
        var answer = await client.GetClusterAsync(cancellationToken);
        var followers = new List<NodeAddress>(answer.Followers.Count);
        foreach (var follower in answer.Followers)
        {
            var ours = IsUrl(follower.Name) ? null : await resolver.ResolveAsync(follower.Name, cancellationToken);
            followers.Add(new NodeAddress(follower.Name, ours ?? Choose(follower)
                ?? throw new ClusterUnreachableException($"The leader at {client.Leader} lists follower '{follower.Name}' with an unusable URL '{follower.Url}'.")));
        }

        return new ClusterTopology(new NodeAddress(answer.Leader, client.Leader), answer.WriteQuorum, followers);
    }

    /// <summary>The follower's advertised URL when it has one, else the one the leader replicates to; null when neither is a URL.</summary>
    public static Uri? Choose(FollowerStatus follower)
    {
        ArgumentNullException.ThrowIfNull(follower);
        if (Uri.TryCreate(follower.AdvertisedUrl, UriKind.Absolute, out var advertised))
            return advertised;
        return Uri.TryCreate(follower.Url, UriKind.Absolute, out var reported) ? reported : null;
    }

    private static bool IsUrl(string name) => name.Contains("://", StringComparison.Ordinal);
}
