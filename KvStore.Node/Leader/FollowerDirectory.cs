using KvStore.Node.Configuration;
using KvStore.ServiceDefaults.ServiceDiscovery;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Leader;

/// <summary>
/// The leader's followers, from FOLLOWERS: URLs as they are, service names through service discovery
/// (<c>services:follower1:http:0</c>). A service's name is the one it is listed under; a URL's is its host:port.
/// </summary>
public sealed class FollowerDirectory
{
    public FollowerDirectory(IOptions<NodeOptions> options, ServiceEndpointResolver resolver)
    {
        // NodeOptionsValidator has already refused references that resolve to nothing.
        var endpoints = new List<FollowerEndpoint>();
        foreach (var reference in options.Value.FollowerReferences)
        {
            if (resolver.TryResolve(reference, out var url))
                endpoints.Add(new FollowerEndpoint(NameOf(reference), url));
        }

        Endpoints = endpoints;
    }

    public IReadOnlyList<FollowerEndpoint> Endpoints { get; }

    private static string NameOf(string reference) =>
        Uri.TryCreate(reference, UriKind.Absolute, out var uri) ? uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}" : reference;
}
