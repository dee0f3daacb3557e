using System.Diagnostics;
using System.Net.Http.Json;
using KvStore.Node.Telemetry;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>
/// Process-wide tracing: the nodes' OpenTelemetry providers record spans from every ActivitySource in the test process,
/// so these tests run alone, not beside tests whose listeners would record what these expect to stay unrecorded.
/// </summary>
[CollectionDefinition(Name, DisableParallelization = true)]
public sealed class ProcessWideTracing
{
    public const string Name = "process-wide tracing";
}

/// <summary>
/// A node follows its caller's sampling decision: a write sent with an unsampled traceparent (as the load runner sends
/// all but one in N) leaves no span on any node; a sampled one, or one without a parent (curl), is traced end to end.
/// </summary>
[Collection(ProcessWideTracing.Name)]
public sealed class SampledTracingTests
{
    private const int Followers = 3;

    [Theory]
    [InlineData(null, false)]
    [InlineData("parentbased_always_on", false)]
    [InlineData("always_on", true)]
    public async Task A_write_sent_unsampled_is_recorded_only_by_nodes_that_ignore_the_parent(string? sampler, bool recorded)
    {
        await using var traced = await TracedCluster.StartAsync(sampler, Followers);
        using var client = TracedCluster.ClientWithoutTraceContext(traced.Cluster.LeaderUrl);
        var key = $"unsampled-{Guid.NewGuid():N}";

        await TracedCluster.WriteAsync(client, key, traceparent: $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00");
        // A later write without a parent is traced under every sampler here; once its followers' spans are in, the
        // followers have applied the unsampled write too (they apply in log order), so its spans had their chance.
        var marker = $"marker-{Guid.NewGuid():N}";
        await TracedCluster.WriteAsync(client, marker, traceparent: null);
        var spans = await traced.Spans.WaitForAsync(s => TracedCluster.IsComplete(s, marker, Followers, traced.Cluster.LeaderPort), $"the write of {marker}");

        Assert.Equal(recorded, TracedCluster.WriteSpan(spans, key) is not null);
        Assert.Equal(recorded ? 2 : 1, RecordedSpans.ServerSpans(spans, traced.Cluster.LeaderPort).Count(s => s.DisplayName == "POST /write"));
        // Nor do the followers start traces of their own for it.
        Assert.Equal((recorded ? 2 : 1) * Followers, spans.Count(s => s.OperationName == NodeActivities.Apply));
    }

    /// <summary>
    /// One traced write among many untraced ones, as under the load runner: the untraced writes after it must not be
    /// recorded in its trace or in any other (a sampled Activity left current on a replication or apply loop would make
    /// every later frame's spans children of it, and the dashboard would ingest spans for every write).
    /// </summary>
    [Fact]
    public async Task Unsampled_writes_after_a_sampled_one_leave_no_spans()
    {
        const int Unsampled = 200;
        await using var traced = await TracedCluster.StartAsync("parentbased_always_on", Followers);
        using var client = TracedCluster.ClientWithoutTraceContext(traced.Cluster.LeaderUrl);
        var sampled = $"sampled-{Guid.NewGuid():N}";

        await TracedCluster.WriteAsync(client, sampled, traceparent: $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-01");
        for (var i = 0; i < Unsampled; i++)
            await TracedCluster.WriteAsync(client, $"unsampled-{i}", traceparent: $"00-{ActivityTraceId.CreateRandom()}-{ActivitySpanId.CreateRandom()}-00");
        var marker = $"marker-{Guid.NewGuid():N}";
        await TracedCluster.WriteAsync(client, marker, traceparent: null);
        var spans = await traced.Spans.WaitForAsync(s => TracedCluster.IsComplete(s, marker, Followers, traced.Cluster.LeaderPort), $"the write of {marker}");

        var traces = spans.Where(s => s.Source.Name == NodeActivities.SourceName || s.DisplayName == "POST /write")
            .GroupBy(s => s.TraceId).ToDictionary(g => g.Key, g => g.Count());
        Assert.Equal(2, traces.Count);
        // A write's trace: its request, kv.write, and per follower a kv.replicate, its frame's kv.replicate.message and kv.apply.
        Assert.All(traces.Values, count => Assert.Equal(2 + 3 * Followers, count));
    }

    [Fact]
    public async Task A_write_sent_sampled_keeps_its_whole_trace_under_the_callers_span()
    {
        await using var traced = await TracedCluster.StartAsync("parentbased_always_on", Followers);
        using var client = TracedCluster.ClientWithoutTraceContext(traced.Cluster.LeaderUrl);
        var key = $"sampled-{Guid.NewGuid():N}";
        var (traceId, callerSpan) = (ActivityTraceId.CreateRandom(), ActivitySpanId.CreateRandom());

        await TracedCluster.WriteAsync(client, key, traceparent: $"00-{traceId}-{callerSpan}-01");
        var spans = await traced.Spans.WaitForAsync(s => TracedCluster.IsComplete(s, key, Followers, traced.Cluster.LeaderPort), $"the trace of {key}");

        var request = Assert.Single(RecordedSpans.ServerSpans(spans, traced.Cluster.LeaderPort), s => s.TraceId == traceId);
        Assert.Equal("POST /write", request.DisplayName);
        Assert.Equal(callerSpan, request.ParentSpanId);
        Assert.Equal("/write", request.GetTagItem("http.route"));
        var write = TracedCluster.WriteSpan(spans, key)!;
        Assert.Equal(request.SpanId, write.ParentSpanId);
        Assert.Equal(Followers, spans.Count(s => s.OperationName == NodeActivities.Replicate && s.ParentSpanId == write.SpanId));
        Assert.All(TracedCluster.AppliesOf(spans, key), s => Assert.Equal(traceId, s.TraceId));
    }

    [Fact]
    public async Task Health_probes_and_the_web_uis_polling_are_not_traced()
    {
        await using var traced = await TracedCluster.StartAsync("parentbased_always_on", Followers);
        using var client = TracedCluster.ClientWithoutTraceContext(traced.Cluster.LeaderUrl);
        var ct = TestContext.Current.CancellationToken;

        foreach (var path in new[] { "/health", "/alive", "/ui", "/ui/cluster", "/ui/data?poll=1" })
            using (await client.GetAsync(path, ct)) { }
        (await client.GetAsync("/cluster", ct)).EnsureSuccessStatusCode();
        var port = traced.Cluster.LeaderPort;
        var spans = await traced.Spans.WaitForAsync(s => RecordedSpans.ServerSpans(s, port).Any(r => r.DisplayName == "GET /cluster"), "GET /cluster");

        var paths = RecordedSpans.ServerSpans(spans, port).Select(s => s.GetTagItem("url.path") as string).ToArray();
        Assert.DoesNotContain(paths, p => p is "/health" or "/alive" || p!.StartsWith("/ui", StringComparison.Ordinal));
    }

    [Fact]
    public async Task The_AppHosts_status_polls_are_not_traced()
    {
        await using var traced = await TracedCluster.StartAsync("parentbased_always_on", Followers);
        var ct = TestContext.Current.CancellationToken;
        // The cluster's start asked GET /cluster too, traced, and its span can be recorded only after the answer reached
        // the caller (the server ends it last): only spans that began from here on count.
        var since = DateTime.UtcNow;
        Assert.NotNull(await KvStore.AppHost.Failover.ClusterProbe.TryGetAsync(new Uri(traced.Cluster.LeaderUrl), ct));

        // The same question without a trace context (as curl asks it) is traced; it is asked after the probe's was answered.
        using var client = TracedCluster.ClientWithoutTraceContext(traced.Cluster.LeaderUrl);
        (await client.GetAsync("/cluster", ct)).EnsureSuccessStatusCode();
        var port = traced.Cluster.LeaderPort;
        bool Asked(Activity r) => r.DisplayName == "GET /cluster" && r.StartTimeUtc >= since;
        var spans = await traced.Spans.WaitForAsync(s => RecordedSpans.ServerSpans(s, port).Any(Asked), "GET /cluster");

        Assert.Single(RecordedSpans.ServerSpans(spans, port), Asked);
    }

    [Fact]
    public async Task A_write_from_the_web_ui_keeps_its_whole_trace()
    {
        await using var traced = await TracedCluster.StartAsync("parentbased_always_on", Followers);
        using var client = TracedCluster.ClientWithoutTraceContext(traced.Cluster.LeaderUrl);
        var key = $"ui-{Guid.NewGuid():N}";

        using var body = new StringContent("\"from the page\"", System.Text.Encoding.UTF8, "application/json");
        (await client.PutAsync($"/ui/api/kv?key={key}", body, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        // The request's own span ends after its answer is sent, so it may be recorded after the client has its answer.
        var spans = await traced.Spans.WaitForAsync(
            s => TracedCluster.WriteSpan(s, key) is { } w && s.Count(r => r.OperationName == NodeActivities.Replicate && r.ParentSpanId == w.SpanId) == Followers &&
                RecordedSpans.ServerSpans(s, traced.Cluster.LeaderPort).Any(r => r.SpanId == w.ParentSpanId),
            "the UI write's request span, its kv.write and its replication spans");

        var write = TracedCluster.WriteSpan(spans, key)!;
        Assert.Contains(RecordedSpans.ServerSpans(spans, traced.Cluster.LeaderPort), r => r.SpanId == write.ParentSpanId && r.DisplayName.StartsWith("PUT /ui", StringComparison.Ordinal));
    }
}
