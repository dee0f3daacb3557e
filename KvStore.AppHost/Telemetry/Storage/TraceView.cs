using System.Text.Json.Serialization;

namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// A trace as <c>/api/traces</c> returns it: its root (<see cref="RootTitle"/> is how the pages name it), its extent, and its spans in waterfall order (each parent
/// before its children, siblings by start time) with their depth and offset from the trace's start.
/// </summary>
public sealed record TraceView(
    string TraceId,
    string RootName,
    string RootTitle,
    string RootResource,
    DateTimeOffset StartTime,
    double DurationMs,
    int SpanCount,
    IReadOnlyList<string> Resources,
    IReadOnlyList<SpanView> Spans)
{
    [JsonIgnore]
    public ulong StartUnixNano { get; init; }
}

public sealed record SpanView(
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Resource,
    string? ResourceInstance,
    string Scope,
    DateTimeOffset StartTime,
    double OffsetMs,
    double DurationMs,
    int Depth,
    string Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<SpanEventView> Events,
    IReadOnlyList<SpanLinkView> Links);

public sealed record SpanEventView(string Name, DateTimeOffset Time, double OffsetMs, IReadOnlyDictionary<string, object?> Attributes);

public sealed record SpanLinkView(string TraceId, string SpanId, IReadOnlyDictionary<string, object?> Attributes);
