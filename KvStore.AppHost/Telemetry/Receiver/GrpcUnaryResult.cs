using System.Globalization;
using Google.Protobuf;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>
/// A unary gRPC answer: HTTP 200 with <c>content-type: application/grpc</c>, the response frame, then the
/// <c>grpc-status</c> trailer; a failure is "Trailers-Only" (status and message in the one HEADERS frame, no body).
/// </summary>
internal sealed class GrpcUnaryResult : IResult
{
    public const string ContentType = "application/grpc";

    private GrpcUnaryResult(IMessage? response, GrpcStatus status, string? message)
    {
        Response = response;
        Status = status;
        Message = message;
    }

    public IMessage? Response { get; }

    public GrpcStatus Status { get; }

    public string? Message { get; }

    public static GrpcUnaryResult Ok(IMessage response) => new(response, GrpcStatus.Ok, null);

    public static GrpcUnaryResult Error(GrpcStatus status, string message) => new(null, status, message);

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        var response = httpContext.Response;
        response.StatusCode = StatusCodes.Status200OK;
        response.ContentType = ContentType;
        var status = ((int)Status).ToString(CultureInfo.InvariantCulture);
        if (Response is null)
        {
            response.Headers["grpc-status"] = status;
            // grpc-message is percent-encoded UTF-8 (PROTOCOL-HTTP2.md).
            response.Headers["grpc-message"] = Uri.EscapeDataString(Message ?? "");
            return;
        }

        await response.BodyWriter.WriteAsync(GrpcFrame.Encode(Response), httpContext.RequestAborted);
        response.AppendTrailer("grpc-status", status);
    }
}
