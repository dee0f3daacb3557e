using KvStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvStore.Tests.Node;

/// <summary>
/// Without OTEL_EXPORTER_OTLP_ENDPOINT a node has no OpenTelemetry at all: no provider listens, so no request or write
/// builds spans nobody exports. With it, all three signals are on.
/// </summary>
[Collection(ProcessWideTracing.Name)]
public sealed class TelemetryDefaultsTests
{
    [Fact]
    public async Task Without_an_OTLP_endpoint_no_tracer_meter_or_logger_provider_exists()
    {
        await using var node = await InProcessNode.StartAsync(FreePorts.Take(1)[0], FollowerSettings());

        Assert.Null(node.Services.GetService<TracerProvider>());
        Assert.Null(node.Services.GetService<MeterProvider>());
        Assert.DoesNotContain(node.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
    }

    [Fact]
    public async Task With_an_OTLP_endpoint_traces_metrics_and_logs_are_on()
    {
        await using var sink = await OtlpSink.StartAsync();
        var settings = FollowerSettings();
        foreach (var (key, value) in sink.NodeSettings(sampler: null))
            settings[key] = value;
        await using var node = await InProcessNode.StartAsync(FreePorts.Take(1)[0], settings);

        Assert.NotNull(node.Services.GetService<TracerProvider>());
        Assert.NotNull(node.Services.GetService<MeterProvider>());
        Assert.Contains(node.Services.GetServices<ILoggerProvider>(), p => p is OpenTelemetryLoggerProvider);
    }

    private static Dictionary<string, string?> FollowerSettings() => new()
    {
        ["ROLE"] = "follower",
        ["REPLICATION_TOKEN"] = "telemetry-defaults",
    };
}
