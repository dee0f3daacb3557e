namespace KvStore.AppHost.Orchestration;

/// <summary>Where the resources send their OpenTelemetry data: the dashboard's OTLP/gRPC endpoint.</summary>
public sealed record TelemetrySettings(string OtlpEndpoint);
