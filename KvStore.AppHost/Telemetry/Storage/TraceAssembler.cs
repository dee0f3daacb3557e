namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// Builds a trace's tree from its spans. A span whose parent has not arrived (or was sent by a process that does not
/// export) counts as a root, so a partial trace still shows; the root named is the earliest real root, else the earliest span.
/// </summary>
internal static class TraceAssembler
{
    public static TraceView Assemble(IReadOnlyList<StoredSpan> spans)
    {
        ArgumentOutOfRangeException.ThrowIfZero(spans.Count);
        var start = spans.Min(s => s.StartUnixNano);
        var end = spans.Max(s => Math.Max(s.EndUnixNano, s.StartUnixNano));
        var ids = spans.Select(s => s.SpanId).ToHashSet(StringComparer.Ordinal);
        var children = spans.Where(s => s.ParentSpanId is not null && ids.Contains(s.ParentSpanId))
            .ToLookup(s => s.ParentSpanId!, StringComparer.Ordinal);
        var roots = spans.Where(s => s.ParentSpanId is null || !ids.Contains(s.ParentSpanId)).OrderBy(s => s.StartUnixNano).ToList();
        var root = roots.FirstOrDefault(s => s.ParentSpanId is null) ?? roots[0];

        var ordered = new List<SpanView>(spans.Count);
        // Depth-first with an explicit stack: a long chain of spans cannot overflow the thread's stack.
        var pending = new Stack<(StoredSpan Span, int Depth)>(roots.AsEnumerable().Reverse().Select(s => (s, 0)));
        while (pending.TryPop(out var next))
        {
            ordered.Add(View(next.Span, next.Depth, start));
            foreach (var child in children[next.Span.SpanId].OrderByDescending(s => s.StartUnixNano))
                pending.Push((child, next.Depth + 1));
        }

        return new TraceView(
            spans[0].TraceId,
            root.Name,
            SpanTitle.Of(root.Name, root.Attributes),
            root.Resource,
            OtlpValues.Time(start),
            OtlpValues.Milliseconds(start, end),
            spans.Count,
            [.. spans.Select(s => s.Resource).Distinct(StringComparer.Ordinal).Order(StringComparer.Ordinal)],
            ordered)
        {
            StartUnixNano = start,
        };
    }

    private static SpanView View(StoredSpan span, int depth, ulong traceStart) => new(
        span.SpanId,
        span.ParentSpanId,
        span.Name,
        span.Kind,
        span.Resource,
        span.ResourceInstance,
        span.Scope,
        OtlpValues.Time(span.StartUnixNano),
        OtlpValues.Milliseconds(traceStart, span.StartUnixNano),
        OtlpValues.Milliseconds(span.StartUnixNano, span.EndUnixNano),
        depth,
        span.Status,
        span.StatusMessage,
        span.Attributes,
        [.. span.Events.Select(e => new SpanEventView(e.Name, OtlpValues.Time(e.TimeUnixNano), OtlpValues.Milliseconds(traceStart, e.TimeUnixNano), e.Attributes))],
        [.. span.Links.Select(l => new SpanLinkView(l.TraceId, l.SpanId, l.Attributes))]);
}
