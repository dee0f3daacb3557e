using KvStore.Node.Configuration;
using KvStore.ServiceDefaults;
using Microsoft.Extensions.ServiceDiscovery;

namespace KvStore.Node.Follower;

/// <summary>
/// Where a follower sends clients that try to write to it: the URL the leader advertises (ADVERTISED_URL, which it
/// sends when it opens the replication stream), else LEADER as this follower resolved it at start.
/// </summary>
public sealed class LeaderLocation
{
    private volatile string? _advertised;
    private string? _configured;

    public string? Url => _advertised ?? _configured;

    /// <summary>Resolves LEADER once at start; a reference nothing resolves is kept as written, to be shown as it is.</summary>
    public async Task ResolveAsync(string? leader, ServiceEndpointResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (string.IsNullOrWhiteSpace(leader))
            return;
        var url = await resolver.ResolveAsync(leader, cancellationToken);
        _configured = url is null ? leader : url.ToString().TrimEnd('/');
    }

    /// <summary>Takes what the leader advertised when it opened its stream: a URL, or nothing (then LEADER is used again).</summary>
    public void Advertised(string? url) => _advertised = NodeOptionsValidator.IsHttpUrl(url) ? url!.TrimEnd('/') : null;
}
