namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>Set on every connection accepted by an OTLP port, so requests can be told apart from the dashboard's by where they arrived.</summary>
internal sealed record OtlpConnectionFeature(OtlpProtocol Protocol);

/// <summary>Marks an endpoint as an OTLP endpoint of <see cref="Protocol"/>: served on that port, and only there.</summary>
internal sealed record OtlpEndpointMetadata(OtlpProtocol Protocol);
