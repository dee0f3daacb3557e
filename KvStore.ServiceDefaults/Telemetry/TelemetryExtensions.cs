using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KvStore.ServiceDefaults.Telemetry;

/// <summary>
/// Traces, metrics and logs for every KvStore process, as Aspire's ConfigureOpenTelemetry sets them up: the OpenTelemetry
/// hosting package with the ASP.NET Core, HttpClient and runtime instrumentation, our own sources and meters ("KvStore.*"),
/// exported over OTLP. All of it is on only when OTEL_EXPORTER_OTLP_ENDPOINT is set. The SDK reads OTEL_EXPORTER_OTLP_PROTOCOL,
/// OTEL_RESOURCE_ATTRIBUTES, OTEL_BSP_SCHEDULE_DELAY, OTEL_METRIC_EXPORT_INTERVAL and OTEL_TRACES_SAMPLER itself; no sampler is
/// set here, so the SDK's default applies unless OTEL_TRACES_SAMPLER names another: parent-based, always on for a request that
/// arrives without a trace. A node must follow its caller's decision (the load runner traces one write in N and sends the
/// others unsampled), which <c>always_on</c> would not: orchestrators should set <c>parentbased_always_on</c>.
/// </summary>
public static class TelemetryExtensions
{
    public const string HealthEndpointPath = "/health";
    public const string AlivenessEndpointPath = "/alive";

    /// <summary>
    /// The node web UI lives under this prefix. Its reads (the page polls every second or two) are not traced, so a
    /// browser tab left open does not flood the traces; its writes and deletes are, like a write from curl.
    /// </summary>
    public const string UiPathPrefix = "/ui";

    public const string OwnSources = "KvStore.*";

    private const string OtlpTimeoutSetting = "OTEL_EXPORTER_OTLP_TIMEOUT";

    /// <summary>
    /// The export timeout unless OTEL_EXPORTER_OTLP_TIMEOUT says otherwise. The last export, at shutdown, retries a
    /// collector that is gone (the dashboard stopped first, or none listens, as under Aspire.Hosting.Testing) until
    /// this passes: the SDK's 10 s default kept a stopping node alive past DCP's 15 s stop budget on a busy machine
    /// and would outlast `docker stop`'s 10 s grace, after which the node is killed instead of stopped. The collector
    /// is local (the dashboard), so 2 s is ample for an export that is going to succeed. The three providers take it
    /// side by side, not one after another (<see cref="TelemetryShutdown"/>).
    /// </summary>
    private const int DefaultExportTimeoutMs = 2000;

    public static TBuilder ConfigureOpenTelemetry<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // Without an endpoint nothing would leave the process, and listening alone costs: every request and write would
        // still build its spans, a large share of a node's write throughput. So no providers at all, not even idle ones.
        if (string.IsNullOrWhiteSpace(builder.Configuration["OTEL_EXPORTER_OTLP_ENDPOINT"]))
            return builder;

        builder.Configuration[OtlpTimeoutSetting] ??= DefaultExportTimeoutMs.ToString(System.Globalization.CultureInfo.InvariantCulture);
        var exportTimeout = int.TryParse(builder.Configuration[OtlpTimeoutSetting], System.Globalization.CultureInfo.InvariantCulture, out var ms) && ms > 0
            ? ms
            : DefaultExportTimeoutMs;
        builder.Services.AddHostedService(services => new TelemetryShutdown(services, exportTimeout));
        var exportTraces = IsExported(builder.Configuration, "OTEL_TRACES_EXPORTER");
        var exportMetrics = IsExported(builder.Configuration, "OTEL_METRICS_EXPORTER");
        var exportLogs = IsExported(builder.Configuration, "OTEL_LOGS_EXPORTER");
        if (exportLogs)
        {
            builder.Logging.AddOpenTelemetry(logging =>
            {
                logging.IncludeFormattedMessage = true;
                logging.IncludeScopes = true;
            });
        }

        var serviceName = builder.Configuration["OTEL_SERVICE_NAME"] ?? builder.Environment.ApplicationName;
        var hasInstanceId = HasInstanceId(builder.Configuration["OTEL_RESOURCE_ATTRIBUTES"]);
        var telemetry = builder.Services.AddOpenTelemetry()
            .ConfigureResource(resource => resource.AddService(serviceName, autoGenerateServiceInstanceId: !hasInstanceId));
        if (exportMetrics)
        {
            telemetry.WithMetrics(metrics => metrics
                .AddAspNetCoreInstrumentation()
                .AddHttpClientInstrumentation()
                .AddRuntimeInstrumentation()
                .AddMeter(OwnSources));
        }

        if (exportTraces)
        {
            telemetry.WithTracing(tracing => tracing
                .AddSource(OwnSources)
                .AddAspNetCoreInstrumentation(o => o.Filter = IsTraced)
                .AddHttpClientInstrumentation());
        }

        telemetry.UseOtlpExporter();
        return builder;
    }

    /// <summary>
    /// False for requests that arrive all the time and say nothing about the store: orchestrators' health probes every
    /// few seconds and the web UI's polling (its GETs). Their spans, and any span beneath them, are not recorded.
    /// </summary>
    public static bool IsTraced(HttpContext context)
    {
        ArgumentNullException.ThrowIfNull(context);
        var path = context.Request.Path;
        return !path.StartsWithSegments(HealthEndpointPath) && !path.StartsWithSegments(AlivenessEndpointPath) &&
            !(path.StartsWithSegments(UiPathPrefix) && (HttpMethods.IsGet(context.Request.Method) || HttpMethods.IsHead(context.Request.Method)));
    }

    /// <summary>
    /// Tracing for a console tool without a host (the load runner): exports its spans and HttpClient's over OTLP when
    /// OTEL_EXPORTER_OTLP_ENDPOINT is set; null otherwise. Dispose it to flush before the process exits.
    /// <para>
    /// Its sampler is parent-based always-on whatever OTEL_TRACES_SAMPLER says: the tool decides which of its requests are
    /// traced by starting, or not starting, a recorded span for them, and an unrecorded one's HttpClient span must stay
    /// unrecorded too, so that its traceparent tells the nodes not to record it either.
    /// </para>
    /// </summary>
    public static TracerProvider? StartTracingForTool(string defaultServiceName, params string[] sources)
    {
        if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable("OTEL_EXPORTER_OTLP_ENDPOINT")))
            return null;
        var serviceName = Environment.GetEnvironmentVariable("OTEL_SERVICE_NAME") ?? defaultServiceName;
        var hasInstanceId = HasInstanceId(Environment.GetEnvironmentVariable("OTEL_RESOURCE_ATTRIBUTES"));
        return Sdk.CreateTracerProviderBuilder()
            .ConfigureResource(resource => resource.AddService(serviceName, autoGenerateServiceInstanceId: !hasInstanceId))
            .SetSampler(new ParentBasedSampler(new AlwaysOnSampler()))
            .AddSource(sources)
            .AddHttpClientInstrumentation()
            .AddOtlpExporter(otlp =>
            {
                if (string.IsNullOrWhiteSpace(Environment.GetEnvironmentVariable(OtlpTimeoutSetting)))
                    otlp.TimeoutMilliseconds = DefaultExportTimeoutMs;
            })
            .Build();
    }

    /// <summary>
    /// The specification's per-signal switch (OTEL_TRACES_EXPORTER, OTEL_METRICS_EXPORTER, OTEL_LOGS_EXPORTER): "none"
    /// turns that signal off entirely (no provider, so no listener and no per-request cost); unset or "otlp" exports it.
    /// The .NET SDK does not read these itself.
    /// </summary>
    private static bool IsExported(Microsoft.Extensions.Configuration.IConfiguration configuration, string setting) =>
        !string.Equals(configuration[setting], "none", StringComparison.OrdinalIgnoreCase);

    // The service name is set explicitly (it falls back to the application's), which would otherwise also replace the
    // instance id an orchestrator put in OTEL_RESOURCE_ATTRIBUTES with a generated one.
    private static bool HasInstanceId(string? attributes) =>
        (attributes ?? "").Contains("service.instance.id", StringComparison.Ordinal);
}
