namespace KvStore.Node.Storage;

/// <summary>
/// The log kept in memory: entries in fixed-size chunks, so readers (one replicator per follower) read
/// published entries without locks while the single writer appends. Only the newest <c>retain</c> entries
/// are kept; a follower that needs older ones is caught up by snapshot. Nothing here survives a restart:
/// without DATA_DIR every index is "durable" as soon as it is appended.
/// </summary>
public sealed class InMemoryReplicationLog : IReplicationLog
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;

    private readonly long _retain;
    private readonly DurableListeners _durable = new();

    // Readers may hold an old directory array: chunks are never moved, only the directory grows,
    // and a chunk is released only once it is wholly below FirstIndex.
    private LogEntry[]?[] _chunks = new LogEntry[16][];
    private long _lastIndex;
    private long _firstIndex = 1;
    private Guid _logId;

    /// <param name="retain">How many of the newest entries stay readable; 0 keeps none (a follower's log).</param>
    public InMemoryReplicationLog(long retain, Guid? logId = null)
    {
        ArgumentOutOfRangeException.ThrowIfNegative(retain);
        _retain = retain;
        _logId = logId ?? Guid.NewGuid();
    }

    public Guid LogId => _logId;

    public long FirstIndex => Math.Max(Volatile.Read(ref _firstIndex), LastIndex + 1 - _retain);

    public long LastIndex => Volatile.Read(ref _lastIndex);

    public long DurableIndex => LastIndex;

    public bool SurvivesRestart => false;

    public void Append(in LogEntry entry)
    {
        var last = _lastIndex;
        if (entry.Index != last + 1)
            throw new InvalidOperationException($"Log append out of order: expected index {last + 1}, got {entry.Index}.");

        if (_retain > 0)
        {
            var position = entry.Index - 1;
            var chunk = (int)(position >> ChunkBits);
            var chunks = _chunks;
            if (chunk >= chunks.Length)
            {
                Array.Resize(ref chunks, Math.Max(chunks.Length * 2, chunk + 1));
                Volatile.Write(ref _chunks, chunks);
            }

            (chunks[chunk] ??= new LogEntry[ChunkSize])[position & (ChunkSize - 1)] = entry;
        }

        // Publishing the index after the entry is written is what lets readers skip locks.
        Volatile.Write(ref _lastIndex, entry.Index);
        if (_retain > 0 && (entry.Index & (ChunkSize - 1)) == 0)
            ReleaseChunksBelow(FirstIndex);
        _durable.Notify();
    }

    public ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public void OnDurable(Action listener) => _durable.Add(listener);

    public int Read(long fromIndex, Span<LogEntry> destination)
    {
        var first = FirstIndex;
        if (fromIndex < first)
            throw new ArgumentOutOfRangeException(nameof(fromIndex), $"Index {fromIndex} is no longer retained (first is {first}).");

        var last = LastIndex;
        var chunks = Volatile.Read(ref _chunks);
        var count = (int)Math.Min(destination.Length, Math.Max(0, last - fromIndex + 1));
        for (var i = 0; i < count; i++)
        {
            var position = fromIndex - 1 + i;
            var chunk = chunks[(int)(position >> ChunkBits)]
                ?? throw new ArgumentOutOfRangeException(nameof(fromIndex), $"Index {position + 1} was released while being read.");
            destination[i] = chunk[position & (ChunkSize - 1)];
        }

        return count;
    }

    public ValueTask ResetAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        _chunks = new LogEntry[16][];
        _logId = logId;
        Volatile.Write(ref _firstIndex, snapshot.AppliedIndex + 1);
        Volatile.Write(ref _lastIndex, snapshot.AppliedIndex);
        _durable.Notify();
        return ValueTask.CompletedTask;
    }

    /// <summary>Continues a recovered history: the log starts empty after <paramref name="index"/>.</summary>
    public void StartAfter(long index)
    {
        Volatile.Write(ref _firstIndex, index + 1);
        Volatile.Write(ref _lastIndex, index);
    }

    private void ReleaseChunksBelow(long firstIndex)
    {
        // A reader that checked FirstIndex a moment ago may still be inside the chunk just below it; keep one spare.
        var lastReleasable = (int)((firstIndex - 1) >> ChunkBits) - 2;
        var chunks = _chunks;
        for (var c = Math.Min(lastReleasable, chunks.Length - 1); c >= 0 && chunks[c] is not null; c--)
            chunks[c] = null;
    }
}
