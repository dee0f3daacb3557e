using System.Security.Cryptography;
using System.Text;
using KvStore.AppHost.Dashboard;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>
/// Aspire's OTLP "ApiKey" mode: when <c>Dashboard:OtlpApiKey</c> is set, every export must carry it in the
/// <c>x-otlp-api-key</c> header (exporters send it through OTEL_EXPORTER_OTLP_HEADERS); otherwise OTLP is open.
/// </summary>
internal sealed class OtlpApiKey(IOptions<DashboardOptions> options)
{
    public const string HeaderName = "x-otlp-api-key";

    private readonly byte[]? _expected = options.Value.OtlpApiKey is { Length: > 0 } key ? Encoding.UTF8.GetBytes(key) : null;

    public bool IsRequired => _expected is not null;

    public bool Allows(HttpRequest request) =>
        _expected is null
        || request.Headers[HeaderName] is [{ } presented] && CryptographicOperations.FixedTimeEquals(Encoding.UTF8.GetBytes(presented), _expected);
}
