using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// Received spans grouped by trace, bounded by trace and span counts: when full, the traces first seen longest ago go.
/// Exporters send a trace's spans in several batches and from several processes, so a trace grows as they arrive.
/// </summary>
internal sealed class TraceStore(IOptions<TelemetryStorageOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, Entry> _traces = new(StringComparer.Ordinal);
    private readonly LinkedList<Entry> _firstSeen = new();
    private readonly TelemetryStorageOptions _options = options.Value;
    private int _spanCount;

    public int TraceCount
    {
        get
        {
            lock (_lock)
                return _traces.Count;
        }
    }

    public int SpanCount
    {
        get
        {
            lock (_lock)
                return _spanCount;
        }
    }

    /// <summary>Stores the spans; returns how many were refused (a trace already at its span limit). Repeats of a stored span are ignored.</summary>
    public int Add(IEnumerable<StoredSpan> spans)
    {
        var refused = 0;
        lock (_lock)
        {
            foreach (var span in spans)
            {
                if (!_traces.TryGetValue(span.TraceId, out var entry))
                {
                    entry = new Entry(span.TraceId);
                    entry.Node = _firstSeen.AddLast(entry);
                    _traces.Add(span.TraceId, entry);
                }

                // An exporter retrying a batch it thinks failed sends the same spans again.
                if (entry.SpanIds.Contains(span.SpanId))
                    continue;
                if (entry.Spans.Count >= _options.MaxSpansPerTrace)
                {
                    refused++;
                    continue;
                }

                entry.SpanIds.Add(span.SpanId);
                entry.Spans.Add(span);
                _spanCount++;
            }

            while (_traces.Count > _options.MaxTraces || (_spanCount > _options.MaxSpans && _traces.Count > 1))
                Evict(_firstSeen.First!.Value);
        }

        return refused;
    }

    /// <summary>The traces touching <paramref name="resource"/> (any if null) lasting at least <paramref name="minDurationMs"/>, newest first.</summary>
    public IReadOnlyList<TraceView> Query(string? resource, double minDurationMs, int limit)
    {
        var views = new List<TraceView>();
        foreach (var spans in Snapshot())
        {
            if (resource is not null && !spans.Any(s => string.Equals(s.Resource, resource, StringComparison.Ordinal)))
                continue;
            var view = TraceAssembler.Assemble(spans);
            if (view.DurationMs >= minDurationMs)
                views.Add(view);
        }

        return [.. views.OrderByDescending(v => v.StartUnixNano).Take(limit)];
    }

    public TraceView? Get(string traceId)
    {
        StoredSpan[] spans;
        lock (_lock)
        {
            if (!_traces.TryGetValue(traceId, out var entry))
                return null;
            spans = [.. entry.Spans];
        }

        return TraceAssembler.Assemble(spans);
    }

    /// <summary>Every resource that sent a span still stored.</summary>
    public IReadOnlyList<string> Resources() =>
        [.. Snapshot().SelectMany(spans => spans).Select(s => s.Resource).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)];

    // Spans are immutable; copying the lists under the lock lets assembly and filtering run outside it.
    private List<StoredSpan[]> Snapshot()
    {
        lock (_lock)
            return [.. _traces.Values.Select(e => e.Spans.ToArray())];
    }

    private void Evict(Entry entry)
    {
        _firstSeen.Remove(entry.Node!);
        _traces.Remove(entry.TraceId);
        _spanCount -= entry.Spans.Count;
    }

    private sealed class Entry(string traceId)
    {
        public string TraceId { get; } = traceId;

        public List<StoredSpan> Spans { get; } = [];

        public HashSet<string> SpanIds { get; } = new(StringComparer.Ordinal);

        public LinkedListNode<Entry>? Node { get; set; }
    }
}
