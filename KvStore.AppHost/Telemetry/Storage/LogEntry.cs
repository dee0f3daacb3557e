namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>One structured log record as the dashboard shows it; <see cref="Sequence"/> orders records as received.</summary>
public sealed record LogEntry(
    long Sequence,
    DateTimeOffset Time,
    string Resource,
    string Severity,
    int SeverityNumber,
    string Category,
    string Message,
    IReadOnlyDictionary<string, object?> Attributes,
    string? TraceId,
    string? SpanId);
