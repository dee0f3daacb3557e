using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Http;
using Microsoft.AspNetCore.Routing;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KvStore.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs for every KvStore process, shaped like Aspire's ConfigureOpenTelemetry. The
/// hosting and instrumentation packages are not served here, so the providers are built with the SDK
/// directly, listening to .NET's built-in sources: ASP.NET Core ("Microsoft.AspNetCore") and HttpClient
/// ("System.Net.Http"), plus our own ("KvStore.*"). All of it is on only when OTEL_EXPORTER_OTLP_ENDPOINT
/// is set, and exported over OTLP; the SDK reads OTEL_EXPORTER_OTLP_PROTOCOL, OTEL_SERVICE_NAME, OTEL_RESOURCE_ATTRIBUTES,
/// OTEL_BSP_SCHEDULE_DELAY, OTEL_METRIC_EXPORT_INTERVAL and OTEL_TRACES_SAMPLER itself.
/// </summary>
public static class TelemetryExtensions
{
    public static readonly string[] Sources = ["Microsoft.AspNetCore", "System.Net.Http", "KvStore.*"];

    public static readonly string[] Meters =
        ["Microsoft.AspNetCore.Hosting", "Microsoft.AspNetCore.Server.Kestrel", "System.Net.Http", "System.Runtime", "KvStore.*"];

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Without an endpoint nothing would leave the process, and listening alone costs: every request and write
        // would still build its spans (a quarter of a node's write throughput, measured). So no providers at all.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            return builder;

        var resource = Resource(builder);
        builder.Logging.AddOpenTelemetry(logging =>
        {
            logging.IncludeFormattedMessage = true;
            logging.IncludeScopes = true;
            logging.SetResourceBuilder(resource);
            logging.AddOtlpExporter();
        });

        builder.Services.AddSingleton(_ => BuildTracerProvider(resource, Sources));
        builder.Services.AddSingleton(_ => Sdk.CreateMeterProviderBuilder().SetResourceBuilder(resource).AddMeter(Meters).AddOtlpExporter().Build());
        builder.Services.AddHostedService<TelemetryStartup>();
        return builder;
    }

    /// <summary>
    /// Tracing for a console tool without a host (the load runner): exports its spans and HttpClient's over OTLP
    /// when OTEL_EXPORTER_OTLP_ENDPOINT is set; null otherwise. Dispose it to flush before the process exits.
    /// </summary>
    public static TracerProvider? StartTracingForTool(string defaultServiceName, params string[] sources)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
            return null;
        var serviceName = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? defaultServiceName;
        var attributes = Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES") ?? "";
        var resource = ResourceBuilder.CreateDefault().AddService(serviceName, autoGenerateServiceInstanceId: !attributes.Contains("service.instance.id", StringComparison.Ordinal));
        return BuildTracerProvider(resource, [.. sources, "System.Net.Http"]);
    }

    private static TracerProvider BuildTracerProvider(ResourceBuilder resource, string[] sources) =>
        Sdk.CreateTracerProviderBuilder().SetResourceBuilder(resource).AddSource(sources).AddOtlpExporter().Build();

    /// <summary>
    /// Names ASP.NET Core's request spans "METHOD route" and gives them the semantic-convention http.* tags
    /// (the instrumentation package that would do this is not served here), and keeps health probes, which
    /// arrive every few seconds from orchestrators, out of the traces altogether.
    /// </summary>
    public static IApplicationBuilder UseRequestTracing(this IApplicationBuilder app, params string[] untracedPaths) =>
        app.Use(async (context, next) =>
        {
            if (Activity.Current is not { } activity)
            {
                await next(context);
                return;
            }

            if (untracedPaths.Any(p => context.Request.Path.StartsWithSegments(p)))
            {
                activity.IsAllDataRequested = false;
                activity.ActivityTraceFlags &= ~ActivityTraceFlags.Recorded;
                await next(context);
                return;
            }

            activity.SetTag("http.request.method", context.Request.Method);
            activity.SetTag("url.path", context.Request.Path.Value);
            activity.SetTag("url.scheme", context.Request.Scheme);
            try
            {
                await next(context);
            }
            finally
            {
                var route = (context.GetEndpoint() as RouteEndpoint)?.RoutePattern.RawText;
                activity.DisplayName = route is null ? context.Request.Method : $"{context.Request.Method} {route}";
                if (route is not null)
                    activity.SetTag("http.route", route);
                activity.SetTag("http.response.status_code", context.Response.StatusCode);
                if (context.Response.StatusCode >= 500)
                    activity.SetStatus(ActivityStatusCode.Error);
            }
        });

    private static ResourceBuilder Resource(IHostApplicationBuilder builder)
    {
        // The SDK's defaults read OTEL_SERVICE_NAME and OTEL_RESOURCE_ATTRIBUTES; the application name is the fallback.
        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var hasInstanceId = (builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"] ?? "").Contains("service.instance.id", StringComparison.Ordinal);
        return ResourceBuilder.CreateDefault().AddService(serviceName, autoGenerateServiceInstanceId: !hasInstanceId);
    }
}
