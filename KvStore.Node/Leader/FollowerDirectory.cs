using KvStore.Node.Configuration;
using KvStore.ServiceDefaults;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace KvStore.Node.Leader;

/// <summary>
/// The leader's followers, from FOLLOWERS: URLs as they are, service names through service discovery
/// (<c>services:follower1:http:0</c>), resolved once at start: the replication streams are long-lived connections,
/// reopened to the same address. A service's name is the one it is listed under; a URL's is its host:port.
/// </summary>
public sealed class FollowerDirectory(IOptions<NodeOptions> options, ServiceEndpointResolver resolver)
{
    private IReadOnlyList<FollowerEndpoint>? _endpoints;

    public IReadOnlyList<FollowerEndpoint> Endpoints =>
        _endpoints ?? throw new InvalidOperationException("The followers are not resolved yet: the node checks StartupErrorAsync before it starts.");

    /// <summary>Resolves every FOLLOWERS entry; returns one message per entry that resolves to nothing (then nothing is kept).</summary>
    public async Task<IReadOnlyList<string>> ResolveAsync(CancellationToken cancellationToken)
    {
        var endpoints = new List<FollowerEndpoint>();
        var failures = new List<string>();
        foreach (var reference in options.Value.FollowerReferences)
        {
            if (await resolver.ResolveAsync(reference, cancellationToken) is { } url)
                endpoints.Add(new FollowerEndpoint(NameOf(reference), url));
            else
                failures.Add(NodeOptionsValidator.UnresolvedFollower(reference));
        }

        if (failures.Count == 0)
            _endpoints = endpoints;
        return failures;
    }

    private static string NameOf(string reference) =>
        Uri.TryCreate(reference, UriKind.Absolute, out var uri) ? uri.IsDefaultPort ? uri.Host : $"{uri.Host}:{uri.Port}" : reference;
}
