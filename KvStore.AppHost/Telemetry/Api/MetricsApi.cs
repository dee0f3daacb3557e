using System.Globalization;
using KvStore.AppHost.Telemetry.Storage;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.AppHost.Telemetry.Api;

/// <summary>
/// <c>/api/metrics</c>: the instruments seen; <c>/percentiles</c>: a histogram's p50/p90/p99 per export interval;
/// <c>/values</c>: a gauge's or sum's values. Series are labelled by the <c>groupBy</c> attribute (e.g. kv.follower).
/// </summary>
internal static class MetricsApi
{
    public static IEndpointRouteBuilder MapMetricsApi(this IEndpointRouteBuilder app)
    {
        var metrics = app.MapGroup("/api/metrics").RequireAuthorization().WithTags("Metrics");
        metrics.MapGet("/", Instruments);
        metrics.MapGet("/percentiles", Percentiles);
        metrics.MapGet("/values", Values);
        return app;
    }

    public static Ok<IReadOnlyList<InstrumentSummary>> Instruments(MetricStore store) => TypedResults.Ok(store.Instruments());

    public static Ok<MetricChart<PercentilePoint>> Percentiles(MetricStore store, string name, string? groupBy, string? resource)
    {
        var found = store.Find(name, string.IsNullOrEmpty(resource) ? null : resource);
        var series = found.Where(s => s.Histograms.Count > 0).Select(s => new ChartSeries<PercentilePoint>(
            Label(s, groupBy),
            s.Resource,
            [.. HistogramQuantiles.Intervals(s.Histograms).Select(i => new PercentilePoint(
                OtlpValues.Time(i.Point.TimeUnixNano),
                i.Counts.Aggregate(0UL, (a, c) => a + c),
                HistogramQuantiles.Quantile(0.50, i.Point.Bounds, i.Counts),
                HistogramQuantiles.Quantile(0.90, i.Point.Bounds, i.Counts),
                HistogramQuantiles.Quantile(0.99, i.Point.Bounds, i.Counts)))]));
        return TypedResults.Ok(new MetricChart<PercentilePoint>(name, found.Count > 0 ? found[0].Unit : "", [.. series.OrderBy(s => s.Label, StringComparer.Ordinal)]));
    }

    public static Ok<MetricChart<ValuePoint>> Values(MetricStore store, string name, string? groupBy, string? resource)
    {
        var found = store.Find(name, string.IsNullOrEmpty(resource) ? null : resource);
        var series = found.Where(s => s.Numbers.Count > 0).Select(s => new ChartSeries<ValuePoint>(
            Label(s, groupBy), s.Resource, [.. s.Numbers.Select(p => new ValuePoint(OtlpValues.Time(p.TimeUnixNano), p.Value))]));
        return TypedResults.Ok(new MetricChart<ValuePoint>(name, found.Count > 0 ? found[0].Unit : "", [.. series.OrderBy(s => s.Label, StringComparer.Ordinal)]));
    }

    private static string Label(MetricSeries series, string? groupBy) =>
        groupBy is not null && series.Attributes.TryGetValue(groupBy, out var value)
            ? Convert.ToString(value, CultureInfo.InvariantCulture) ?? ""
            : series.Attributes.Count == 0
                ? series.Resource
                : series.Resource + " " + string.Join(",", series.Attributes.Select(a => $"{a.Key}={a.Value}"));
}

public sealed record MetricChart<TPoint>(string Name, string Unit, IReadOnlyList<ChartSeries<TPoint>> Series);

public sealed record ChartSeries<TPoint>(string Label, string Resource, IReadOnlyList<TPoint> Points);

/// <summary>One export interval of a histogram: how many values it saw and their percentiles (null when none).</summary>
public sealed record PercentilePoint(DateTimeOffset Time, ulong Count, double? P50, double? P90, double? P99);

public sealed record ValuePoint(DateTimeOffset Time, double Value);
