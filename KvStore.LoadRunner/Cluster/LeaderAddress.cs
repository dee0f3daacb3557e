using KvStore.ServiceDefaults;
using Microsoft.Extensions.ServiceDiscovery;

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
    public static async Task<Uri> ResolveAsync(string? reference, ServiceEndpointResolver resolver, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        if (string.IsNullOrWhiteSpace(reference))
            return await resolver.ResolveAsync(ServiceName, cancellationToken) ?? Fallback;

        // "localhost:8000" parses as a URI with scheme "localhost", so host:port is recognised by its digits.
        var colon = reference.LastIndexOf(':');
        if (!reference.Contains("://", StringComparison.Ordinal) && colon > 0 && int.TryParse(reference.AsSpan(colon + 1), out _) &&
            Uri.TryCreate("http://" + reference.Trim(), UriKind.Absolute, out var hostPort))
        {
            return hostPort;
        }

        return await resolver.ResolveAsync(reference, cancellationToken) ?? throw new UsageException(
            $"--leader '{reference}' is neither an http(s) URL, nor host:port, nor a service this process knows " +
            $"(configuration 'services:{reference}:http:0', environment services__{reference}__http__0).");
    }
}
