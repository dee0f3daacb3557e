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

    /// <summary>
    /// A node exporting to a collector that is not there (as under Aspire.Hosting.Testing, which starts no dashboard, or
    /// after the dashboard stopped first) still stops promptly: its last exports give up within the export timeout (2 s),
    /// taken by the three providers side by side. With the SDK's 10 s default, such a node outlived DCP's 15 s stop
    /// budget on a busy machine; with the providers shut down one after another it took three timeouts, past this bound.
    /// </summary>
    [Fact]
    public async Task A_node_whose_collector_is_gone_still_stops_within_a_few_seconds()
    {
        var settings = FollowerSettings();
        settings["LEADER"] = "http://127.0.0.1:1";
        settings["OTEL_EXPORTER_OTLP_ENDPOINT"] = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        settings["OTEL_EXPORTER_OTLP_PROTOCOL"] = "grpc";
        settings["OTEL_DOTNET_EXPERIMENTAL_OTLP_RETRY"] = "in_memory";
        settings["OTEL_BSP_SCHEDULE_DELAY"] = "1000";
        settings["OTEL_METRIC_EXPORT_INTERVAL"] = "1000";
        await using var node = new ProcessNode("collector-gone", FreePorts.Take(1)[0], settings);
        node.Start();
        await node.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        using (var http = new HttpClient { BaseAddress = new Uri(node.Url) })
        {
            // Something to export: traced requests, whose spans wait in the batch for the collector.
            for (var i = 0; i < 5; i++)
                await http.GetAsync("/kv/collector-gone");
        }

        var clock = System.Diagnostics.Stopwatch.StartNew();
        await node.StopAsync(TimeSpan.FromSeconds(30));
        Assert.True(clock.Elapsed < TimeSpan.FromSeconds(4), $"the node took {clock.Elapsed.TotalSeconds:0.0} s to stop");
    }

    private static Dictionary<string, string?> FollowerSettings() => new()
    {
        ["ROLE"] = "follower",
        ["REPLICATION_TOKEN"] = "telemetry-defaults",
    };
}
