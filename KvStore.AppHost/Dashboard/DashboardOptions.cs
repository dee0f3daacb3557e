using System.ComponentModel.DataAnnotations;

namespace KvStore.AppHost.Dashboard;

/// <summary>The dashboard's addresses and login (configuration section <c>Dashboard</c>); defaults are Aspire's.</summary>
public sealed class DashboardOptions : IValidatableObject
{
    public const string SectionName = "Dashboard";

    /// <summary>Where the dashboard's pages and API listen.</summary>
    [Required]
    public string Url { get; set; } = "http://localhost:18888";

    /// <summary>OTLP/gRPC (HTTP/2 without TLS), the endpoint resources export to.</summary>
    [Required]
    public string OtlpGrpcUrl { get; set; } = "http://localhost:18889";

    /// <summary>OTLP/HTTP with protobuf bodies (<c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>).</summary>
    [Required]
    public string OtlpHttpUrl { get; set; } = "http://localhost:18890";

    /// <summary>When set, OTLP exports must carry it in the <c>x-otlp-api-key</c> header; when not, OTLP is open (meant for loopback).</summary>
    public string? OtlpApiKey { get; set; }

    /// <summary>The browser token; a fresh random one each run when not set.</summary>
    public string? BrowserToken { get; set; }

    /// <summary>The resource the KV explorer writes through.</summary>
    [Required]
    public string KvWriteResource { get; set; } = "leader";

    public IEnumerable<ValidationResult> Validate(ValidationContext validationContext)
    {
        foreach (var (name, value) in new[] { (nameof(Url), Url), (nameof(OtlpGrpcUrl), OtlpGrpcUrl), (nameof(OtlpHttpUrl), OtlpHttpUrl) })
        {
            if (!Uri.TryCreate(value, UriKind.Absolute, out var uri) || uri.Scheme != Uri.UriSchemeHttp)
                yield return new ValidationResult($"Dashboard:{name} must be an http URL, like http://localhost:18888, not '{value}'", [name]);
        }

        var ports = new[] { Url, OtlpGrpcUrl, OtlpHttpUrl }.Select(u => Uri.TryCreate(u, UriKind.Absolute, out var uri) ? uri.Port : -1).ToList();
        if (ports.Distinct().Count() < ports.Count)
            yield return new ValidationResult("Dashboard:Url, OtlpGrpcUrl and OtlpHttpUrl need three different ports", [nameof(Url), nameof(OtlpGrpcUrl), nameof(OtlpHttpUrl)]);

        if (BrowserToken is { Length: < 16 })
            yield return new ValidationResult("Dashboard:BrowserToken must be at least 16 characters", [nameof(BrowserToken)]);
    }
}
