using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Publishing.Compose;

/// <summary>
/// The dashboard as a Compose service: this AppHost in dashboard-only mode (<c>--dashboard-only</c>, set by its image),
/// with the OTLP receiver the nodes export to, watching the nodes through their discovery URLs.
/// </summary>
public static class ComposeDashboard
{
    public const string ServiceName = "dashboard";
    public const int UiPort = 18888;
    public const int OtlpGrpcPort = 18889;
    public const int OtlpHttpPort = 18890;
    public const string BrowserTokenVariable = "DASHBOARD_BROWSER_TOKEN";

    /// <summary>Aspire's OTLP API key: the exporters send it (x-otlp-api-key), the receiver requires it.</summary>
    public const string OtlpApiKeyVariable = "DASHBOARD_OTLP_API_KEY";

    /// <summary>Paths relative to the AppHost project's folder, like the nodes' (see Program.cs).</summary>
    public static ContainerImage Image { get; } = new("kvstore/dashboard", "../deploy/dashboard.Dockerfile", "../artifacts/publish/dashboard");

    /// <summary>Where the services send telemetry: the dashboard's OTLP/gRPC port on the deployment's network.</summary>
    public static string OtlpEndpoint => $"http://{ServiceName}:{OtlpGrpcPort}";
}
