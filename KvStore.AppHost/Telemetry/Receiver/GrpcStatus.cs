namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>The gRPC status codes the receiver answers with (grpc/doc/statuscodes.md).</summary>
internal enum GrpcStatus
{
    Ok = 0,
    InvalidArgument = 3,
    ResourceExhausted = 8,
    Unimplemented = 12,
    Internal = 13,
    Unauthenticated = 16,
}
