using Google.Protobuf;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>An OTLP/HTTP answer: the export response message as <c>application/x-protobuf</c>.</summary>
internal sealed class ProtobufHttpResult(IMessage message) : IResult
{
    public const string ContentType = "application/x-protobuf";

    public IMessage Message { get; } = message;

    public async Task ExecuteAsync(HttpContext httpContext)
    {
        httpContext.Response.StatusCode = StatusCodes.Status200OK;
        httpContext.Response.ContentType = ContentType;
        await httpContext.Response.Body.WriteAsync(Message.ToByteArray(), httpContext.RequestAborted);
    }
}
