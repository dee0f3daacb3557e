using KvStore.AppHost.Dashboard;
using KvStore.AppHost.Telemetry.Api;
using KvStore.AppHost.Telemetry.Receiver;
using KvStore.AppHost.Telemetry.Storage;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry;

/// <summary>
/// The dashboard's telemetry: the OTLP receiver on its two ports (gRPC <c>Dashboard:OtlpGrpcUrl</c>, HTTP/protobuf
/// <c>Dashboard:OtlpHttpUrl</c>), the bounded in-memory stores, and the API the Traces, Structured logs and Metrics pages read.
/// </summary>
internal static class TelemetryHostingExtensions
{
    /// <summary>Stores, receiver services and the two OTLP listeners.</summary>
    public static WebApplicationBuilder AddTelemetryReceiver(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddOptions<TelemetryStorageOptions>().BindConfiguration(TelemetryStorageOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton<TraceStore>();
        services.AddSingleton<LogStore>();
        services.AddSingleton<MetricStore>();
        services.AddSingleton<OtlpIngest>();
        services.AddSingleton<OtlpApiKey>();

        var options = builder.Configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>() ?? new DashboardOptions();
        builder.WebHost.ConfigureKestrel(kestrel =>
        {
            // h2c with prior knowledge, as OTLP/gRPC exporters speak it to an http:// endpoint.
            kestrel.Listen(options.OtlpGrpcUrl, HttpProtocols.Http2, listen => listen.MarkAs(OtlpProtocol.Grpc));
            kestrel.Listen(options.OtlpHttpUrl, HttpProtocols.Http1AndHttp2, listen => listen.MarkAs(OtlpProtocol.HttpProtobuf));
        });
        return builder;
    }

    /// <summary>The OTLP endpoints, each answering only on its own port.</summary>
    public static WebApplication MapOtlpReceiver(this WebApplication app)
    {
        app.UseOtlpPortIsolation();
        app.MapOtlpGrpc();
        app.MapOtlpHttp();

        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>().Value;
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KvStore.AppHost.Telemetry");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            logger.OtlpListening(options.OtlpGrpcUrl, options.OtlpHttpUrl);
            var key = app.Services.GetRequiredService<OtlpApiKey>();
            if (!key.IsRequired && !(KestrelUrl.IsLoopback(options.OtlpGrpcUrl) && KestrelUrl.IsLoopback(options.OtlpHttpUrl)))
                logger.OtlpUnsecured();
        });
        return app;
    }

    /// <summary>The pages' API: <c>/api/traces</c>, <c>/api/logs</c>, <c>/api/metrics</c>, behind the dashboard's login.</summary>
    public static IEndpointRouteBuilder MapTelemetryApi(this IEndpointRouteBuilder app)
    {
        app.MapTracesApi();
        app.MapLogsApi();
        app.MapMetricsApi();
        return app;
    }

    private static void MarkAs(this ListenOptions listen, OtlpProtocol protocol)
    {
        var feature = new OtlpConnectionFeature(protocol);
        listen.Use(next => connection =>
        {
            connection.Features.Set(feature);
            return next(connection);
        });
    }
}
