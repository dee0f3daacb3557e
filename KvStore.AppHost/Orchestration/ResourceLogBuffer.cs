namespace KvStore.AppHost.Orchestration;

/// <summary>
/// The last <c>capacity</c> lines of a resource's console output. Readers page by sequence number, so a page that
/// polls with <c>after=N</c> sees every line once, and learns how many it missed when the buffer outran it.
/// </summary>
public sealed class ResourceLogBuffer(int capacity, TimeProvider time)
{
    private readonly Queue<LogLine> _lines = new();
    private readonly Lock _lock = new();
    private long _nextSequence = 1;

    public void Append(LogSource stream, string text)
    {
        lock (_lock)
        {
            _lines.Enqueue(new LogLine(_nextSequence++, time.GetUtcNow(), stream, text));
            if (_lines.Count > capacity)
                _lines.Dequeue();
        }
    }

    /// <summary>The lines after sequence number <paramref name="after"/> (0: all that are kept), at most <paramref name="limit"/>.</summary>
    public LogPage Read(long after, int limit)
    {
        lock (_lock)
        {
            var lines = _lines.Where(l => l.Sequence > after).Take(limit).ToList();
            var first = _lines.Count > 0 ? _lines.Peek().Sequence : _nextSequence;
            var skipped = Math.Max(0, first - after - 1);
            var last = lines.Count > 0 ? lines[^1].Sequence : Math.Max(after, first - 1);
            return new LogPage(lines, last, skipped);
        }
    }
}

/// <summary>A page of lines; <see cref="Last"/> is what to pass as <c>after</c> next time; <see cref="Skipped"/> lines were dropped before they could be read.</summary>
public sealed record LogPage(IReadOnlyList<LogLine> Lines, long Last, long Skipped);
