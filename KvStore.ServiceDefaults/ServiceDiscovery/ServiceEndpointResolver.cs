using Microsoft.Extensions.Configuration;

namespace KvStore.ServiceDefaults.ServiceDiscovery;

/// <summary>
/// Resolves Aspire-style service references from configuration: the service <c>follower1</c>'s
/// <c>http</c> endpoint is <c>services:follower1:http:0</c> (environment <c>services__follower1__http__0</c>),
/// with Aspire 13's <c>FOLLOWER1_HTTP</c> as a fallback.
/// </summary>
public sealed class ServiceEndpointResolver(IConfiguration configuration)
{
    /// <summary>
    /// Turns a URL, a bare service name (<c>follower1</c>) or a service URL (<c>http://follower1</c>)
    /// into an absolute URL. A URL whose host is not a known service name is returned as it is.
    /// </summary>
    public bool TryResolve(string reference, out Uri uri)
    {
        reference = reference.Trim();
        if (Uri.TryCreate(reference, UriKind.Absolute, out var absolute) && absolute.Scheme is "http" or "https")
        {
            // "http://follower1" names a service when configuration knows it; otherwise it is a real host.
            var fromConfig = Lookup(absolute.Host, absolute.Scheme);
            uri = fromConfig ?? absolute;
            return true;
        }

        var resolved = Lookup(reference, "http") ?? Lookup(reference, "https");
        uri = resolved!;
        return resolved is not null;
    }

    private Uri? Lookup(string serviceName, string endpointName)
    {
        var value = configuration[$"services:{serviceName}:{endpointName}:0"]
            ?? configuration[$"{serviceName.ToUpperInvariant().Replace('-', '_')}_{endpointName.ToUpperInvariant()}"];
        return Uri.TryCreate(value, UriKind.Absolute, out var uri) ? uri : null;
    }
}
