namespace KvStore.AppHost.Publishing;

/// <summary>
/// The Aspire dashboard as a Compose service, as Aspire.Hosting.Docker deploys it: standalone (telemetry only, no
/// resource service), receiving the services' OTLP on the deployment's network, behind a browser token. Its image is
/// built here from the Aspire.Dashboard.Sdk package's files (deploy/build-images.sh), since no registry is assumed.
/// </summary>
public static class ComposeDashboard
{
    public const string ServiceName = "dashboard";
    public const string Image = "kvstore/dashboard";
    public const int UiPort = 18888;
    public const int OtlpGrpcPort = 18889;
    public const int OtlpHttpPort = 18890;
    public const string BrowserTokenVariable = "DASHBOARD_BROWSER_TOKEN";

    /// <summary>Aspire's OTLP API key: the exporters send it (x-otlp-api-key), the dashboard requires it.</summary>
    public const string OtlpApiKeyVariable = "DASHBOARD_OTLP_API_KEY";

    /// <summary>Where the services send telemetry: the dashboard's OTLP/gRPC port on the deployment's network.</summary>
    public static string OtlpEndpoint => $"http://{ServiceName}:{OtlpGrpcPort}";

    public static ComposeService Service(ComposeBuild build) => new()
    {
        Image = Image,
        Build = build,
        Environment = new()
        {
            // Inside its container the dashboard listens on every interface; the host reaches it through the published port.
            ["ASPNETCORE_URLS"] = $"http://0.0.0.0:{UiPort}",
            ["ASPIRE_DASHBOARD_OTLP_ENDPOINT_URL"] = $"http://0.0.0.0:{OtlpGrpcPort}",
            ["ASPIRE_DASHBOARD_OTLP_HTTP_ENDPOINT_URL"] = $"http://0.0.0.0:{OtlpHttpPort}",
            ["Dashboard__Frontend__AuthMode"] = "BrowserToken",
            ["Dashboard__Frontend__BrowserToken"] = EnvironmentNames.Required(BrowserTokenVariable),
            // Off the host's loopback, telemetry is accepted only with the key the services are given.
            ["Dashboard__Otlp__AuthMode"] = "ApiKey",
            ["Dashboard__Otlp__PrimaryApiKey"] = EnvironmentNames.Required(OtlpApiKeyVariable),
        },
        Ports = [new ComposePort(UiPort, UiPort, "tcp")],
        Networks = [DockerComposePublishing.NetworkName],
        Healthcheck = DockerComposePublishing.HttpHealthcheck($"http://localhost:{UiPort}/login"),
        Restart = DockerComposePublishing.RestartPolicy,
    };

    /// <summary>What a service needs to export its traces, metrics and logs to the dashboard.</summary>
    public static IEnumerable<KeyValuePair<string, string>> OtlpEnvironment(string serviceName)
    {
        yield return new("OTEL_EXPORTER_OTLP_ENDPOINT", OtlpEndpoint);
        yield return new("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        yield return new("OTEL_EXPORTER_OTLP_HEADERS", "x-otlp-api-key=" + EnvironmentNames.Required(OtlpApiKeyVariable));
        yield return new("OTEL_SERVICE_NAME", serviceName);
        yield return new("OTEL_RESOURCE_ATTRIBUTES", $"service.instance.id={serviceName}");
        yield return new("OTEL_BSP_SCHEDULE_DELAY", "1000");
        yield return new("OTEL_BLRP_SCHEDULE_DELAY", "1000");
        yield return new("OTEL_METRIC_EXPORT_INTERVAL", KvNodeResourceExtensions.MetricExportIntervalMs);
    }
}
