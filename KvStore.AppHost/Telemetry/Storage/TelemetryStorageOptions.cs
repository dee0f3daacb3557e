using System.ComponentModel.DataAnnotations;

namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// How much telemetry the dashboard keeps in memory (configuration section <c>Dashboard:Telemetry</c>). A load run
/// produces thousands of traces a second; the oldest are dropped so the AppHost's memory stays bounded.
/// </summary>
public sealed class TelemetryStorageOptions
{
    public const string SectionName = "Dashboard:Telemetry";

    [Range(1, 1_000_000)]
    public int MaxTraces { get; set; } = 2_000;

    [Range(1, 10_000_000)]
    public int MaxSpans { get; set; } = 50_000;

    /// <summary>A trace with more spans than this keeps its first ones and counts the rest as dropped.</summary>
    [Range(1, 1_000_000)]
    public int MaxSpansPerTrace { get; set; } = 5_000;

    [Range(1, 10_000_000)]
    public int MaxLogs { get; set; } = 10_000;

    /// <summary>Metric points older than this (by their own timestamp) are dropped.</summary>
    public TimeSpan MetricWindow { get; set; } = TimeSpan.FromMinutes(10);

    [Range(2, 1_000_000)]
    public int MaxPointsPerSeries { get; set; } = 1_200;

    /// <summary>The largest OTLP message accepted, as gRPC's default limit.</summary>
    [Range(1024, int.MaxValue)]
    public int MaxMessageSize { get; set; } = 4 * 1024 * 1024;
}
