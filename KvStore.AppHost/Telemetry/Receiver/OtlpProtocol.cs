namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>The two OTLP transports; each has its own port.</summary>
internal enum OtlpProtocol
{
    Grpc,
    HttpProtobuf,
}
