using System.Buffers;
using System.IO.Compression;
using System.IO.Pipelines;
using Google.Protobuf;
using KvStore.AppHost.Telemetry.Otlp.Collector.Logs;
using KvStore.AppHost.Telemetry.Otlp.Collector.Metrics;
using KvStore.AppHost.Telemetry.Otlp.Collector.Trace;
using KvStore.AppHost.Telemetry.Storage;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>
/// OTLP/gRPC: the collector services' unary <c>Export</c> methods, framed by hand on Kestrel's HTTP/2 (h2c), since the
/// gRPC server package does not restore here. Exporters only need the frame, the content type and the status trailer.
/// </summary>
internal static class OtlpGrpcApi
{
    public const string TracesPath = "/opentelemetry.proto.collector.trace.v1.TraceService/Export";
    public const string MetricsPath = "/opentelemetry.proto.collector.metrics.v1.MetricsService/Export";
    public const string LogsPath = "/opentelemetry.proto.collector.logs.v1.LogsService/Export";

    public static IEndpointRouteBuilder MapOtlpGrpc(this IEndpointRouteBuilder app)
    {
        var otlp = app.MapGroup("").WithMetadata(new OtlpEndpointMetadata(OtlpProtocol.Grpc)).ExcludeFromDescription();
        otlp.MapPost(TracesPath, ExportTraces);
        otlp.MapPost(MetricsPath, ExportMetrics);
        otlp.MapPost(LogsPath, ExportLogs);
        return app;
    }

    public static Task<IResult> ExportTraces(HttpContext http, OtlpIngest ingest, OtlpApiKey key, IOptions<TelemetryStorageOptions> options) =>
        ExportAsync(http, key, options.Value, ExportTraceServiceRequest.Parser, ingest.Traces);

    public static Task<IResult> ExportMetrics(HttpContext http, OtlpIngest ingest, OtlpApiKey key, IOptions<TelemetryStorageOptions> options) =>
        ExportAsync(http, key, options.Value, ExportMetricsServiceRequest.Parser, ingest.Metrics);

    public static Task<IResult> ExportLogs(HttpContext http, OtlpIngest ingest, OtlpApiKey key, IOptions<TelemetryStorageOptions> options) =>
        ExportAsync(http, key, options.Value, ExportLogsServiceRequest.Parser, ingest.Logs);

    private static async Task<IResult> ExportAsync<TRequest>(
        HttpContext http, OtlpApiKey key, TelemetryStorageOptions options, MessageParser<TRequest> parser, Func<TRequest, IMessage> ingest)
        where TRequest : IMessage<TRequest>
    {
        // Not a gRPC call at all: gRPC's spec answers with a plain HTTP status.
        if (http.Request.ContentType is not { } contentType || !contentType.StartsWith(GrpcUnaryResult.ContentType, StringComparison.OrdinalIgnoreCase))
            return TypedResults.StatusCode(StatusCodes.Status415UnsupportedMediaType);
        if (!key.Allows(http.Request))
            return GrpcUnaryResult.Error(GrpcStatus.Unauthenticated, $"missing or wrong {OtlpApiKey.HeaderName} header");

        byte[]? message;
        try
        {
            message = await ReadMessageAsync(http.Request.BodyReader, options.MaxMessageSize, http.RequestAborted);
        }
        catch (InvalidDataException e)
        {
            return GrpcUnaryResult.Error(GrpcStatus.ResourceExhausted, e.Message);
        }

        if (message is null)
            return GrpcUnaryResult.Error(GrpcStatus.InvalidArgument, "the request has no complete message");
        if (message.Length > 0 && message[0] != 0)
        {
            var encoding = http.Request.Headers["grpc-encoding"].ToString();
            if (!string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase))
                return GrpcUnaryResult.Error(GrpcStatus.Unimplemented, $"message encoding '{encoding}' is not supported; use gzip or none");
        }

        try
        {
            var compressed = message[0] != 0;
            var request = compressed
                ? parser.ParseFrom(new GZipStream(new MemoryStream(message, GrpcFrame.HeaderSize, message.Length - GrpcFrame.HeaderSize), CompressionMode.Decompress))
                : parser.ParseFrom(message, GrpcFrame.HeaderSize, message.Length - GrpcFrame.HeaderSize);
            return GrpcUnaryResult.Ok(ingest(request));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            return GrpcUnaryResult.Error(GrpcStatus.InvalidArgument, "the message is not a valid export request: " + e.Message);
        }
    }

    /// <summary>The request's one frame, header included (so the caller sees the compressed flag), or null if the body ends early.</summary>
    private static async Task<byte[]?> ReadMessageAsync(PipeReader body, int maxMessageSize, CancellationToken cancellationToken)
    {
        while (true)
        {
            var read = await body.ReadAsync(cancellationToken);
            var buffer = read.Buffer;
            var whole = buffer;
            if (GrpcFrame.TryRead(ref buffer, maxMessageSize, out _, out var payload))
            {
                var frame = whole.Slice(0, GrpcFrame.HeaderSize + payload.Length).ToArray();
                body.AdvanceTo(buffer.Start);
                return frame;
            }

            body.AdvanceTo(buffer.Start, buffer.End);
            if (read.IsCompleted)
                return null;
        }
    }
}
