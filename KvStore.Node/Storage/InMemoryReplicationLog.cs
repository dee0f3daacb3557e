namespace KvStore.Node.Storage;

/// <summary>
/// The log without DATA_DIR: entries live in fixed-size chunks so readers (one replicator per follower)
/// read published entries without locks while the single writer appends.
/// </summary>
public sealed class InMemoryReplicationLog : IReplicationLog
{
    private const int ChunkBits = 12;
    private const int ChunkSize = 1 << ChunkBits;

    // Readers may hold an old directory array: chunks are never moved, only the directory grows,
    // and every chunk an old directory names stays valid.
    private LogEntry[][] _chunks = new LogEntry[16][];
    private long _lastIndex;

    public Guid LogId { get; } = Guid.NewGuid();

    public long FirstIndex => 1;

    public long LastIndex => Volatile.Read(ref _lastIndex);

    public void Append(in LogEntry entry)
    {
        var last = _lastIndex;
        if (entry.Index != last + 1)
            throw new InvalidOperationException($"Log append out of order: expected index {last + 1}, got {entry.Index}.");

        var position = entry.Index - 1;
        var chunk = (int)(position >> ChunkBits);
        var chunks = _chunks;
        if (chunk >= chunks.Length)
        {
            Array.Resize(ref chunks, chunks.Length * 2);
            Volatile.Write(ref _chunks, chunks);
        }

        chunks[chunk] ??= new LogEntry[ChunkSize];
        chunks[chunk][position & (ChunkSize - 1)] = entry;

        // Publishing the index after the entry is written is what lets readers skip locks.
        Volatile.Write(ref _lastIndex, entry.Index);
    }

    public ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken) => ValueTask.CompletedTask;

    public int Read(long fromIndex, Span<LogEntry> destination)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(fromIndex, 1);
        var last = LastIndex;
        var chunks = Volatile.Read(ref _chunks);
        var count = (int)Math.Min(destination.Length, Math.Max(0, last - fromIndex + 1));
        for (var i = 0; i < count; i++)
        {
            var position = fromIndex - 1 + i;
            destination[i] = chunks[(int)(position >> ChunkBits)][position & (ChunkSize - 1)];
        }

        return count;
    }
}
