using System.IO.Compression;
using Google.Protobuf;
using KvStore.AppHost.Telemetry.Otlp.Collector.Logs;
using KvStore.AppHost.Telemetry.Otlp.Collector.Metrics;
using KvStore.AppHost.Telemetry.Otlp.Collector.Trace;
using KvStore.AppHost.Telemetry.Storage;
using Microsoft.AspNetCore.Http.HttpResults;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>OTLP/HTTP with binary protobuf: <c>POST /v1/traces</c>, <c>/v1/metrics</c>, <c>/v1/logs</c>, optionally gzip-encoded.</summary>
internal static class OtlpHttpApi
{
    public static IEndpointRouteBuilder MapOtlpHttp(this IEndpointRouteBuilder app)
    {
        var otlp = app.MapGroup("/v1").WithMetadata(new OtlpEndpointMetadata(OtlpProtocol.HttpProtobuf)).ExcludeFromDescription();
        otlp.MapPost("/traces", ExportTraces);
        otlp.MapPost("/metrics", ExportMetrics);
        otlp.MapPost("/logs", ExportLogs);
        return app;
    }

    public static Task<Results<ProtobufHttpResult, ProblemHttpResult>> ExportTraces(
        HttpRequest request, OtlpIngest ingest, OtlpApiKey key, IOptions<TelemetryStorageOptions> options) =>
        ExportAsync(request, key, options.Value, ExportTraceServiceRequest.Parser, ingest.Traces);

    public static Task<Results<ProtobufHttpResult, ProblemHttpResult>> ExportMetrics(
        HttpRequest request, OtlpIngest ingest, OtlpApiKey key, IOptions<TelemetryStorageOptions> options) =>
        ExportAsync(request, key, options.Value, ExportMetricsServiceRequest.Parser, ingest.Metrics);

    public static Task<Results<ProtobufHttpResult, ProblemHttpResult>> ExportLogs(
        HttpRequest request, OtlpIngest ingest, OtlpApiKey key, IOptions<TelemetryStorageOptions> options) =>
        ExportAsync(request, key, options.Value, ExportLogsServiceRequest.Parser, ingest.Logs);

    private static async Task<Results<ProtobufHttpResult, ProblemHttpResult>> ExportAsync<TRequest>(
        HttpRequest request, OtlpApiKey key, TelemetryStorageOptions options, MessageParser<TRequest> parser, Func<TRequest, IMessage> ingest)
        where TRequest : IMessage<TRequest>
    {
        if (!key.Allows(request))
            return TypedResults.Problem($"missing or wrong {OtlpApiKey.HeaderName} header", statusCode: StatusCodes.Status401Unauthorized);
        if (request.ContentType is not { } contentType || !contentType.StartsWith(ProtobufHttpResult.ContentType, StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem($"OTLP/HTTP is served as {ProtobufHttpResult.ContentType} here", statusCode: StatusCodes.Status415UnsupportedMediaType);
        if (request.ContentLength > options.MaxMessageSize)
            return TypedResults.Problem($"the body exceeds {options.MaxMessageSize} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);

        var encoding = request.Headers.ContentEncoding.ToString();
        var gzip = string.Equals(encoding, "gzip", StringComparison.OrdinalIgnoreCase);
        if (!gzip && encoding.Length > 0 && !string.Equals(encoding, "identity", StringComparison.OrdinalIgnoreCase))
            return TypedResults.Problem($"content encoding '{encoding}' is not supported; use gzip or none", statusCode: StatusCodes.Status415UnsupportedMediaType);

        try
        {
            await using var body = gzip ? new GZipStream(request.Body, CompressionMode.Decompress) : request.Body;
            using var buffer = new MemoryStream();
            await body.CopyToAsync(buffer, request.HttpContext.RequestAborted);
            if (buffer.Length > options.MaxMessageSize)
                return TypedResults.Problem($"the message exceeds {options.MaxMessageSize} bytes", statusCode: StatusCodes.Status413PayloadTooLarge);
            buffer.Position = 0;
            return new ProtobufHttpResult(ingest(parser.ParseFrom(buffer)));
        }
        catch (Exception e) when (e is InvalidProtocolBufferException or InvalidDataException)
        {
            return TypedResults.Problem("the body is not a valid export request: " + e.Message, statusCode: StatusCodes.Status400BadRequest);
        }
    }
}
