using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>The last <see cref="TelemetryStorageOptions.MaxLogs"/> structured log records, oldest dropped first.</summary>
internal sealed class LogStore(IOptions<TelemetryStorageOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Queue<LogEntry> _entries = new();
    private readonly int _capacity = options.Value.MaxLogs;
    private long _sequence;

    public int Count
    {
        get
        {
            lock (_lock)
                return _entries.Count;
        }
    }

    /// <summary>Stores records built from their sequence number, assigned here so they are unique and increasing.</summary>
    public void Add(IEnumerable<Func<long, LogEntry>> records)
    {
        lock (_lock)
        {
            foreach (var record in records)
            {
                _entries.Enqueue(record(++_sequence));
                if (_entries.Count > _capacity)
                    _entries.Dequeue();
            }
        }
    }

    /// <summary>Matching records, newest first.</summary>
    public IReadOnlyList<LogEntry> Query(LogQuery query)
    {
        LogEntry[] all;
        lock (_lock)
            all = [.. _entries];
        return [.. all.Reverse().Where(query.Matches).Take(query.Limit)];
    }
}

/// <summary>What the structured logs page asks for; every criterion is optional.</summary>
internal sealed record LogQuery(string? Resource, int MinSeverityNumber, string? Search, string? TraceId, int Limit)
{
    public bool Matches(LogEntry entry) =>
        (Resource is null || string.Equals(entry.Resource, Resource, StringComparison.Ordinal))
        && entry.SeverityNumber >= MinSeverityNumber
        && (TraceId is null || string.Equals(entry.TraceId, TraceId, StringComparison.OrdinalIgnoreCase))
        && (Search is null || entry.Message.Contains(Search, StringComparison.OrdinalIgnoreCase)
            || entry.Category.Contains(Search, StringComparison.OrdinalIgnoreCase));
}
