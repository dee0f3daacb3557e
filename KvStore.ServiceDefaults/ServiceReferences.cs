using System.Net;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;

namespace KvStore.ServiceDefaults;

/// <summary>
/// Service references as Aspire injects them, resolved by Microsoft.Extensions.ServiceDiscovery: the service
/// <c>follower1</c>'s <c>http</c> endpoint is configuration <c>services:follower1:http:0</c> (environment
/// <c>services__follower1__http__0</c>). A reference is a bare service name (<c>follower1</c>), a service URL
/// (<c>http://follower1</c>) or a plain URL, which stays as it is when its host is no known service.
/// </summary>
public static class ServiceReferences
{
    /// <summary>
    /// Service discovery from configuration only. The library's pass-through provider is left out on purpose: it
    /// "resolves" any name to itself, so a misspelt FOLLOWERS entry would start a leader that replicates to nowhere
    /// instead of being refused at start; URLs are kept by <see cref="ResolveAsync"/> instead.
    /// </summary>
    public static IServiceCollection AddKvServiceDiscovery(this IServiceCollection services)
    {
        services.AddServiceDiscoveryCore().AddConfigurationServiceEndpointProvider();
        return services;
    }

    /// <summary>A resolver over <paramref name="configuration"/> for a process without a host (the load runner).</summary>
    public static ServiceProvider CreateResolverServices(IConfiguration configuration) =>
        new ServiceCollection().AddSingleton(configuration).AddLogging().AddKvServiceDiscovery().BuildServiceProvider();

    /// <summary>
    /// The absolute URL <paramref name="reference"/> stands for; null when it is neither a URL nor a service that
    /// configuration knows. A URL whose host is a known service (<c>http://follower1</c>) resolves to that service.
    /// </summary>
    public static async ValueTask<Uri?> ResolveAsync(this ServiceEndpointResolver resolver, string reference, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(resolver);
        ArgumentNullException.ThrowIfNull(reference);
        reference = reference.Trim();
        var url = Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https" ? absolute : null;
        if (url is null && !IsServiceName(reference))
            return null;

        var scheme = url?.Scheme ?? Uri.UriSchemeHttp;
        var source = await resolver.GetEndpointsAsync($"{scheme}://{url?.Host ?? reference}", cancellationToken);
        foreach (var endpoint in source.Endpoints)
        {
            // A configured URL comes back whole; "host:port" without a scheme as an address, under the reference's scheme.
            Uri? resolved = endpoint.EndPoint switch
            {
                UriEndPoint u => u.Uri,
                DnsEndPoint d => new UriBuilder(scheme, d.Host, d.Port > 0 ? d.Port : -1).Uri,
                IPEndPoint ip => new UriBuilder(scheme, ip.Address.ToString(), ip.Port).Uri,
                _ => null,
            };
            if (resolved is not null)
                return resolved;
        }

        return url;
    }

    // What can stand as a host name in a service URL; anything else (spaces, "host:port") is no service.
    private static bool IsServiceName(string reference) =>
        reference.Length > 0 && reference.All(c => char.IsAsciiLetterOrDigit(c) || c is '-' or '_' or '.');
}
