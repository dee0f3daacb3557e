namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>One received span, flattened with its resource and scope; immutable once stored, so readers need no lock.</summary>
internal sealed record StoredSpan(
    string TraceId,
    string SpanId,
    string? ParentSpanId,
    string Name,
    string Kind,
    string Resource,
    string? ResourceInstance,
    string Scope,
    ulong StartUnixNano,
    ulong EndUnixNano,
    string Status,
    string? StatusMessage,
    IReadOnlyDictionary<string, object?> Attributes,
    IReadOnlyList<StoredSpanEvent> Events,
    IReadOnlyList<StoredSpanLink> Links);

internal sealed record StoredSpanEvent(string Name, ulong TimeUnixNano, IReadOnlyDictionary<string, object?> Attributes);

internal sealed record StoredSpanLink(string TraceId, string SpanId, IReadOnlyDictionary<string, object?> Attributes);
