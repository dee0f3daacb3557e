using KvStore.AppHost.Telemetry.Storage;
using Microsoft.Extensions.Options;

namespace KvStore.Tests.Telemetry;

/// <summary>The stores stay within their bounds, and traces assemble into waterfall order.</summary>
public sealed class TelemetryStorageTests
{
    private static readonly IReadOnlyDictionary<string, object?> NoAttributes = new Dictionary<string, object?>();

    [Fact]
    public void The_trace_store_keeps_the_newest_traces_and_caps_spans_per_trace()
    {
        var store = new TraceStore(Options.Create(new TelemetryStorageOptions { MaxTraces = 3, MaxSpansPerTrace = 2 }));
        for (var t = 0; t < 5; t++)
            store.Add([Span($"t{t}", "a", null, t * 10), Span($"t{t}", "b", "a", t * 10 + 1)]);

        Assert.Equal(1, store.Add([Span("t4", "c", "a", 45), Span("t4", "b", "a", 41)]));
        Assert.Equal(3, store.TraceCount);
        Assert.Equal(6, store.SpanCount);
        Assert.Equal(["t4", "t3", "t2"], store.Query(null, 0, 10).Select(t => t.TraceId));
        Assert.Null(store.Get("t0"));
    }

    [Fact]
    public void The_trace_store_evicts_whole_traces_to_stay_under_its_span_limit()
    {
        var store = new TraceStore(Options.Create(new TelemetryStorageOptions { MaxSpans = 5 }));
        for (var t = 0; t < 4; t++)
            store.Add([Span($"t{t}", "a", null, t), Span($"t{t}", "b", "a", t)]);

        Assert.Equal(4, store.SpanCount);
        Assert.Equal(["t3", "t2"], store.Query(null, 0, 10).Select(t => t.TraceId));
    }

    [Fact]
    public void A_trace_is_assembled_parent_before_children_with_orphans_as_roots()
    {
        var view = TraceAssembler.Assemble(
        [
            Span("t", "r2", "b", 5, 3), // follower2's replication ends last
            Span("t", "w", null, 0, 10, name: "kv.write"),
            Span("t", "r1", "w", 2, 4),
            Span("t", "b", "w", 1, 8),
            Span("t", "o", "missing", 3, 1, name: "orphan"),
        ]);

        Assert.Equal("kv.write", view.RootName);
        Assert.Equal(["w", "b", "r2", "r1", "o"], view.Spans.Select(s => s.SpanId));
        Assert.Equal([0, 1, 2, 1, 0], view.Spans.Select(s => s.Depth));
        Assert.Equal(10, view.DurationMs);
        Assert.Equal(5, view.Spans[2].OffsetMs);
    }

    [Fact]
    public void The_log_store_keeps_the_last_records_and_filters_them()
    {
        var store = new LogStore(Options.Create(new TelemetryStorageOptions { MaxLogs = 3 }));
        store.Add(Enumerable.Range(1, 5).Select(i => (Func<long, LogEntry>)(seq =>
            new LogEntry(seq, DateTimeOffset.UnixEpoch, i % 2 == 0 ? "leader" : "follower1", "Information", i * 4, "cat", $"message {i}", NoAttributes, null, null))));

        Assert.Equal(3, store.Count);
        Assert.Equal(["message 5", "message 4", "message 3"], store.Query(new LogQuery(null, 0, null, null, 10)).Select(l => l.Message));
        Assert.Equal(["message 4"], store.Query(new LogQuery("leader", 0, null, null, 10)).Select(l => l.Message));
        Assert.Equal(["message 5"], store.Query(new LogQuery(null, 17, null, null, 10)).Select(l => l.Message));
    }

    [Fact]
    public void Metric_points_slide_out_of_the_window_and_percentiles_come_from_bucket_deltas()
    {
        var store = new MetricStore(Options.Create(new TelemetryStorageOptions { MetricWindow = TimeSpan.FromSeconds(10) }));
        double[] bounds = [1, 2, 5];
        var second = 1_000_000_000UL;
        for (var t = 1UL; t <= 20; t++)
            store.AddHistogram("leader", "ack", "ms", NoAttributes, new HistogramPoint(0, t * second, t * 10, 0, bounds, [t * 5, t * 5, 0, 0], false));

        var series = Assert.Single(store.Find("ack", null));
        Assert.Equal(11, series.Histograms.Count);
        var intervals = HistogramQuantiles.Intervals(series.Histograms).ToList();
        Assert.Equal(10, intervals.Count);
        Assert.All(intervals, i => Assert.Equal([5UL, 5UL, 0UL, 0UL], i.Counts));
        // Ten values, five in (0,1] and five in (1,2]: the median is the edge between them, p90 at 1.8.
        Assert.Equal(1.0, HistogramQuantiles.Quantile(0.5, bounds, intervals[0].Counts));
        Assert.Equal(1.8, HistogramQuantiles.Quantile(0.9, bounds, intervals[0].Counts)!.Value, 6);
        Assert.Null(HistogramQuantiles.Quantile(0.5, bounds, [0, 0, 0, 0]));
    }

    private static StoredSpan Span(string trace, string id, string? parent, int startMs, int durationMs = 1, string name = "span") => new(
        trace, id, parent, name, "internal", "leader", null, "test",
        (ulong)startMs * 1_000_000, (ulong)(startMs + durationMs) * 1_000_000, "unset", null, NoAttributes, [], []);
}
