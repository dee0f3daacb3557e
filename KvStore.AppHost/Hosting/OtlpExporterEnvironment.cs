namespace KvStore.AppHost.Hosting;

/// <summary>
/// The OpenTelemetry variables a resource is given to export to the dashboard, as Aspire gives them in development:
/// OTLP/gRPC, its resource name as service name, short batch delays (the dashboard shows data within a second), every trace.
/// The orchestrator's children and the Compose services get the same.
/// </summary>
public static class OtlpExporterEnvironment
{
    public static IEnumerable<(string Name, string Value)> For(string otlpEndpoint, string serviceName, string instanceId)
    {
        yield return ("OTEL_EXPORTER_OTLP_ENDPOINT", otlpEndpoint);
        yield return ("OTEL_EXPORTER_OTLP_PROTOCOL", "grpc");
        yield return ("OTEL_SERVICE_NAME", serviceName);
        yield return ("OTEL_RESOURCE_ATTRIBUTES", $"service.instance.id={instanceId}");
        yield return ("OTEL_TRACES_SAMPLER", "always_on");
        yield return ("OTEL_BSP_SCHEDULE_DELAY", "1000");
        yield return ("OTEL_BLRP_SCHEDULE_DELAY", "1000");
        yield return ("OTEL_METRIC_EXPORT_INTERVAL", "1000");
    }
}
