using KvStore.Node.Configuration;
using KvStore.Node.Leader;
using KvStore.ServiceDefaults;
using Microsoft.Extensions.ServiceDiscovery;

namespace KvStore.Node.Follower;

/// <summary>
/// Where the leader is, seen from a follower, in two forms. <see cref="Url"/> is for clients it turns away (421, GET
/// /cluster): the URL the leader advertises (ADVERTISED_URL, sent when it opens the replication stream), else LEADER as
/// resolved at start. <see cref="InternalUrl"/> is where this node itself reaches the leader (its web UI forwards writes
/// there): LEADER as resolved, or the PEERS entry of the leader's name. They differ wherever the advertised URL is a host
/// port mapping (Compose: http://localhost:8000 is, inside a follower's container, the follower itself).
/// </summary>
public sealed class LeaderLocation(FollowerDirectory? peers = null)
{
    private volatile string? _advertised;
    private volatile string? _internal;
    private string? _configured;

    public string? Url => _advertised ?? _configured;

    /// <summary>This node's own way to the leader; the advertised URL only when nothing else is known (then they are one).</summary>
    public string? InternalUrl => _internal ?? _configured ?? _advertised;

    /// <summary>Resolves LEADER once at start; a reference nothing resolves is kept as written, to be shown as it is.</summary>
    public async Task ResolveAsync(string? leader, ServiceEndpointResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (string.IsNullOrWhiteSpace(leader))
            return;
        var url = await resolver.ResolveAsync(leader, cancellationToken);
        _configured = url is null ? leader : url.ToString().TrimEnd('/');
    }

    /// <summary>
    /// Takes what the leader advertised (a URL, or nothing: then LEADER is used again) and its name, looked up among PEERS
    /// for <see cref="InternalUrl"/>; a name PEERS does not list (PEERS given as URLs) leaves the advertised URL to be used.
    /// </summary>
    public void Advertised(string? url, string? leaderName = null)
    {
        _internal = string.IsNullOrEmpty(leaderName) || peers is null ? null
            : peers.Endpoints.Where(p => p.Name == leaderName).Select(p => p.Url.ToString().TrimEnd('/')).FirstOrDefault();
        _advertised = NodeOptionsValidator.IsHttpUrl(url) ? url!.TrimEnd('/') : null;
    }
}
