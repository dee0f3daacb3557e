using KvStore.AppHost.Telemetry.Storage;

namespace KvStore.Tests.Telemetry;

/// <summary>What a test expects of one write's trace: the leader's kv.write span for the key, with its replication spans.</summary>
public static class WriteTrace
{
    public static SpanView? WriteSpan(TraceView trace, string key) =>
        trace.Spans.FirstOrDefault(s => s.Name == "kv.write" && Equals(s.Attributes.GetValueOrDefault("kv.key")?.ToString(), key));

    public static IReadOnlyList<SpanView> ReplicateSpans(TraceView trace, SpanView write) =>
        [.. trace.Spans.Where(s => s.Name == "kv.replicate" && s.ParentSpanId == write.SpanId)];

    /// <summary>The write's span is there with one replication span per follower, all ended and exported.</summary>
    public static bool IsComplete(TraceView trace, string key, int followers) =>
        WriteSpan(trace, key) is { } write && ReplicateSpans(trace, write).Count >= followers;
}
