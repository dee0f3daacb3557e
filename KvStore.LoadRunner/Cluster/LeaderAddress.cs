using KvStore.ServiceDefaults.ServiceDiscovery;

namespace KvStore.LoadRunner.Cluster;

/// <summary>Turns <c>--leader</c> into the leader's URL.</summary>
internal static class LeaderAddress
{
    public const string ServiceName = "leader";
    public static readonly Uri Fallback = new("http://localhost:8000");

    /// <summary>
    /// Accepts a URL (<c>http://127.0.0.1:8000</c>), a service reference (<c>http://leader</c>, <c>leader</c>, resolved
    /// through <c>services:leader:http:0</c> as under the AppHost) or <c>host:port</c>. Without <c>--leader</c>, the
    /// <c>leader</c> service when configuration knows it, else the leader's default local address.
    /// </summary>
    public static Uri Resolve(string? reference, ServiceEndpointResolver resolver)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (string.IsNullOrWhiteSpace(reference))
            return resolver.TryResolve(ServiceName, out var service) ? service : Fallback;

        if (resolver.TryResolve(reference, out var uri))
            return uri;

        // "localhost:8000" parses as a URI with scheme "localhost", so host:port is recognised by its digits.
        var colon = reference.LastIndexOf(':');
        if (colon > 0 && int.TryParse(reference.AsSpan(colon + 1), out _) &&
            Uri.TryCreate("http://" + reference.Trim(), UriKind.Absolute, out var hostPort))
        {
            return hostPort;
        }

        throw new UsageException(
            $"--leader '{reference}' is neither an http(s) URL, nor host:port, nor a service this process knows " +
            $"(configuration 'services:{reference}:http:0', environment services__{reference}__http__0).");
    }
}
