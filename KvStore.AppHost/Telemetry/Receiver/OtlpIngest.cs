using KvStore.AppHost.Telemetry.Otlp.Collector.Logs;
using KvStore.AppHost.Telemetry.Otlp.Collector.Metrics;
using KvStore.AppHost.Telemetry.Otlp.Collector.Trace;
using KvStore.AppHost.Telemetry.Otlp.Metrics;
using KvStore.AppHost.Telemetry.Otlp.Trace;
using KvStore.AppHost.Telemetry.Storage;

namespace KvStore.AppHost.Telemetry.Receiver;

/// <summary>Turns the decoded export requests into stored spans, log records and metric points; both transports share it.</summary>
internal sealed class OtlpIngest(TraceStore traces, LogStore logs, MetricStore metrics)
{
    public ExportTraceServiceResponse Traces(ExportTraceServiceRequest request)
    {
        var spans = from resourceSpans in request.ResourceSpans
                    let resource = OtlpValues.ServiceNameOf(resourceSpans.Resource)
                    let instance = OtlpValues.InstanceOf(resourceSpans.Resource)
                    from scopeSpans in resourceSpans.ScopeSpans
                    from span in scopeSpans.Spans
                    where !span.TraceId.IsEmpty && !span.SpanId.IsEmpty
                    select ToStored(span, resource, instance, scopeSpans.Scope?.Name ?? "");
        var refused = traces.Add(spans);
        return new ExportTraceServiceResponse
        {
            PartialSuccess = refused == 0 ? null : new ExportTracePartialSuccess { RejectedSpans = refused, ErrorMessage = "trace span limit reached" },
        };
    }

    public ExportLogsServiceResponse Logs(ExportLogsServiceRequest request)
    {
        var records = from resourceLogs in request.ResourceLogs
                      let resource = OtlpValues.ServiceNameOf(resourceLogs.Resource)
                      from scopeLogs in resourceLogs.ScopeLogs
                      from record in scopeLogs.LogRecords
                      select (Func<long, LogEntry>)(sequence => new LogEntry(
                          sequence,
                          OtlpValues.Time(record.TimeUnixNano != 0 ? record.TimeUnixNano : record.ObservedTimeUnixNano),
                          resource,
                          Severity(record),
                          (int)record.SeverityNumber,
                          scopeLogs.Scope?.Name ?? "",
                          OtlpValues.Text(record.Body),
                          OtlpValues.Attributes(record.Attributes),
                          OtlpValues.HexOrNull(record.TraceId),
                          OtlpValues.HexOrNull(record.SpanId)));
        logs.Add(records);
        return new ExportLogsServiceResponse();
    }

    public ExportMetricsServiceResponse Metrics(ExportMetricsServiceRequest request)
    {
        foreach (var resourceMetrics in request.ResourceMetrics)
        {
            var resource = OtlpValues.ServiceNameOf(resourceMetrics.Resource);
            foreach (var metric in resourceMetrics.ScopeMetrics.SelectMany(s => s.Metrics))
                AddMetric(resource, metric);
        }

        return new ExportMetricsServiceResponse();
    }

    private void AddMetric(string resource, Metric metric)
    {
        switch (metric.DataCase)
        {
            case Metric.DataOneofCase.Gauge:
                foreach (var point in metric.Gauge.DataPoints)
                    metrics.AddNumber(resource, metric.Name, metric.Unit, "gauge", OtlpValues.Attributes(point.Attributes), Number(point));
                break;
            case Metric.DataOneofCase.Sum:
                foreach (var point in metric.Sum.DataPoints)
                    metrics.AddNumber(resource, metric.Name, metric.Unit, "sum", OtlpValues.Attributes(point.Attributes), Number(point));
                break;
            case Metric.DataOneofCase.Histogram:
                var isDelta = metric.Histogram.AggregationTemporality == AggregationTemporality.Delta;
                foreach (var point in metric.Histogram.DataPoints)
                {
                    metrics.AddHistogram(resource, metric.Name, metric.Unit, OtlpValues.Attributes(point.Attributes), new HistogramPoint(
                        point.StartTimeUnixNano, point.TimeUnixNano, point.Count, point.Sum, [.. point.ExplicitBounds], [.. point.BucketCounts], isDelta));
                }

                break;
            default:
                // Exponential histograms and summaries: no chart here draws them.
                break;
        }
    }

    private static NumberPoint Number(NumberDataPoint point) =>
        new(point.TimeUnixNano, point.ValueCase == NumberDataPoint.ValueOneofCase.AsInt ? point.AsInt : point.AsDouble);

    private static StoredSpan ToStored(Span span, string resource, string? instance, string scope) => new(
        OtlpValues.Hex(span.TraceId),
        OtlpValues.Hex(span.SpanId),
        OtlpValues.HexOrNull(span.ParentSpanId),
        span.Name,
        span.Kind switch
        {
            Span.Types.SpanKind.Server => "server",
            Span.Types.SpanKind.Client => "client",
            Span.Types.SpanKind.Producer => "producer",
            Span.Types.SpanKind.Consumer => "consumer",
            _ => "internal",
        },
        resource,
        instance,
        scope,
        span.StartTimeUnixNano,
        span.EndTimeUnixNano,
        span.Status?.Code switch
        {
            Status.Types.StatusCode.Ok => "ok",
            Status.Types.StatusCode.Error => "error",
            _ => "unset",
        },
        span.Status?.Message is { Length: > 0 } message ? message : null,
        OtlpValues.Attributes(span.Attributes),
        [.. span.Events.Select(e => new StoredSpanEvent(e.Name, e.TimeUnixNano, OtlpValues.Attributes(e.Attributes)))],
        [.. span.Links.Select(l => new StoredSpanLink(OtlpValues.Hex(l.TraceId), OtlpValues.Hex(l.SpanId), OtlpValues.Attributes(l.Attributes)))]);

    private static string Severity(Otlp.Logs.LogRecord record) =>
        record.SeverityText is { Length: > 0 } text ? text : (int)record.SeverityNumber switch
        {
            0 => "Unspecified",
            < 5 => "Trace",
            < 9 => "Debug",
            < 13 => "Information",
            < 17 => "Warning",
            < 21 => "Error",
            _ => "Critical",
        };
}
