namespace KvStore.AppHost.Telemetry;

internal static partial class TelemetryLog
{
    [LoggerMessage(1, LogLevel.Information, "OTLP receiver listening: gRPC {GrpcUrl}, HTTP/protobuf {HttpUrl}")]
    public static partial void OtlpListening(this ILogger logger, string grpcUrl, string httpUrl);

    [LoggerMessage(2, LogLevel.Warning, "The OTLP endpoints listen beyond loopback without an API key: anyone who reaches them can send telemetry. Set Dashboard:OtlpApiKey to require one.")]
    public static partial void OtlpUnsecured(this ILogger logger);
}
