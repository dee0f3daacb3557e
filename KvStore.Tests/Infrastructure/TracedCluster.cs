using System.Diagnostics;
using System.Net.Http.Json;
using KvStore.Node.Telemetry;

namespace KvStore.Tests.Infrastructure;

/// <summary>A <see cref="TestCluster"/> whose nodes have their OpenTelemetry on (exporting to an <see cref="OtlpSink"/>), with what they record.</summary>
public sealed class TracedCluster : IAsyncDisposable
{
    private readonly OtlpSink _sink;

    private TracedCluster(OtlpSink sink, TestCluster cluster, RecordedSpans spans)
    {
        _sink = sink;
        Cluster = cluster;
        Spans = spans;
    }

    public TestCluster Cluster { get; }

    public RecordedSpans Spans { get; }

    /// <param name="sampler">The nodes' OTEL_TRACES_SAMPLER; null leaves it unset.</param>
    public static async Task<TracedCluster> StartAsync(string? sampler, int followers)
    {
        var sink = await OtlpSink.StartAsync();
        var spans = new RecordedSpans();
        try
        {
            var cluster = await TestCluster.StartAsync(new ClusterSettings
            {
                Followers = followers,
                WriteQuorum = followers,
                ReplicationTimeout = 10,
                Extra = sink.NodeSettings(sampler),
                ConfigureNode = spans.AddTo,
            });
            return new TracedCluster(sink, cluster, spans);
        }
        catch
        {
            await sink.DisposeAsync();
            throw;
        }
    }

    /// <summary>
    /// A client that sends no trace context of its own: in this process HttpClient's spans are recorded too (the nodes'
    /// providers listen to it), and it would otherwise put its own traceparent on every request.
    /// </summary>
    public static HttpClient ClientWithoutTraceContext(string baseUrl) =>
        new(new SocketsHttpHandler { UseProxy = false, ActivityHeadersPropagator = null })
        {
            BaseAddress = new Uri(baseUrl),
            Timeout = TimeSpan.FromSeconds(30),
        };

    /// <summary>Writes <paramref name="key"/> at full quorum, with <paramref name="traceparent"/> when given.</summary>
    public static async Task WriteAsync(HttpClient client, string key, string? traceparent)
    {
        using var request = new HttpRequestMessage(HttpMethod.Post, "/write") { Content = JsonContent.Create(new { key, value = 1 }) };
        if (traceparent is not null)
            request.Headers.Add("traceparent", traceparent);
        using var response = await client.SendAsync(request, TestContext.Current.CancellationToken);
        response.EnsureSuccessStatusCode();
    }

    /// <summary>The leader's <c>kv.write</c> span of <paramref name="key"/>; null when none was recorded.</summary>
    public static Activity? WriteSpan(IEnumerable<Activity> spans, string key) =>
        spans.SingleOrDefault(s => s.OperationName == NodeActivities.Write && Equals(s.GetTagItem(NodeActivities.KeyTag), key));

    /// <summary>The followers' <c>kv.apply</c> spans in the trace of <paramref name="key"/>'s write.</summary>
    public static IEnumerable<Activity> AppliesOf(IReadOnlyCollection<Activity> spans, string key) =>
        WriteSpan(spans, key) is { } write ? spans.Where(s => s.OperationName == NodeActivities.Apply && s.TraceId == write.TraceId) : [];

    /// <summary>
    /// True once the trace of <paramref name="key"/>'s write holds every follower's <c>kv.apply</c> and the leader's request
    /// span, which ends last: after the answer has gone out.
    /// </summary>
    public static bool IsComplete(IReadOnlyCollection<Activity> spans, string key, int followers, int leaderPort) =>
        WriteSpan(spans, key) is { } write &&
        AppliesOf(spans, key).Count() == followers &&
        RecordedSpans.ServerSpans(spans, leaderPort).Any(s => s.SpanId == write.ParentSpanId);

    public async ValueTask DisposeAsync()
    {
        await Cluster.DisposeAsync();
        await _sink.DisposeAsync();
    }
}
