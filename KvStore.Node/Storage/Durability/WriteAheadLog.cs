using System.Buffers;
using KvStore.Node.Replication;
using KvStore.Node.Threading;
using Microsoft.Win32.SafeHandles;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// The durable log (DATA_DIR). Appends go to a pending buffer; one flusher writes everything pending with a
/// single write and, under FSYNC=always, a single fsync (group commit), then advances <see cref="DurableIndex"/>
/// and releases the writers waiting for it. Invariant: an index is reported durable only after its bytes are
/// written (and fsynced, under always). Segments roll over at a size bound; snapshots let old ones go.
/// </summary>
public sealed partial class WriteAheadLog : IReplicationLog, IAsyncDisposable
{
    private readonly DataDirectory _data;
    private readonly FsyncPolicy _fsync;
    private readonly long _segmentBytes;
    private readonly InMemoryReplicationLog _cache;
    private readonly TimeProvider _time;
    private readonly ILogger _logger;

    private readonly Lock _pendingGate = new();
    private ArrayBufferWriter<byte> _pending = new(1 << 16);
    private ArrayBufferWriter<byte> _spare = new(1 << 16);
    private long _pendingFirst;
    private long _pendingLast;

    // Serializes the flusher's writes with segment switches (rotation, snapshot install, history change).
    private readonly SemaphoreSlim _fileGate = new(1, 1);
    private HistoryDirectory _history;
    private SafeFileHandle? _segment;
    private long _segmentLength;
    private long _unsyncedSince = -1;

    private readonly IndexWaiters _durable = new();
    private readonly DurableListeners _listeners = new();
    private readonly AsyncSignal _flushSignal = new();
    private readonly CancellationTokenSource _stopping = new();
    private readonly Task _flusher;
    private long _durableIndex;
    private long _snapshotIndex;
    private long _fsyncs;
    private Guid _logId;

    private WriteAheadLog(DataDirectory data, Guid logId, long snapshotIndex, string? appendTo, InMemoryReplicationLog cache,
        FsyncPolicy fsync, long segmentBytes, TimeProvider time, ILogger logger)
    {
        _data = data;
        _logId = logId;
        _history = data.History(logId);
        _cache = cache;
        _fsync = fsync;
        _segmentBytes = segmentBytes;
        _time = time;
        _logger = logger;
        _snapshotIndex = snapshotIndex;
        _durableIndex = cache.LastIndex;
        _durable.Set(_durableIndex);
        if (logId != Guid.Empty)
            OpenSegmentForAppend(appendTo);
        _flusher = Task.Run(FlushLoopAsync);
    }

    public Guid LogId => _logId;

    public long FirstIndex => _cache.FirstIndex;

    public long LastIndex => _cache.LastIndex;

    public long DurableIndex => Volatile.Read(ref _durableIndex);

    public bool SurvivesRestart => true;

    /// <summary>How many times the log has been forced to disk since it was opened.</summary>
    public long Fsyncs => Interlocked.Read(ref _fsyncs);

    /// <summary>The index of the newest snapshot on disk (0 when none).</summary>
    public long SnapshotIndex => Volatile.Read(ref _snapshotIndex);

    /// <summary>
    /// Recovers DATA_DIR into <paramref name="state"/> and opens the log for appends. A node with no history yet
    /// starts one with <paramref name="newLogId"/> (the leader) or waits to adopt its leader's (a follower: null).
    /// </summary>
    public static WriteAheadLog Open(string dataDir, Guid? newLogId, KeyValueState state, long retain, long segmentBytes,
        FsyncPolicy fsync, TimeProvider time, ILogger logger)
    {
        var data = new DataDirectory(dataDir);
        var recovered = WalRecovery.Recover(data);
        if (recovered.Repair is { } repair)
            LogTornTail(logger, repair);

        var logId = recovered.LogId ?? newLogId ?? Guid.Empty;
        if (recovered.LogId is null && logId != Guid.Empty)
        {
            data.History(logId).Create();
            data.CommitHistory(logId);
        }

        data.DeleteOtherHistories(logId);
        state.Restore(recovered.Snapshot);
        state.ApplyInOrder(recovered.Entries);

        var cache = new InMemoryReplicationLog(retain, logId);
        cache.StartAfter(recovered.Snapshot.AppliedIndex);
        foreach (var entry in recovered.Entries)
            cache.Append(entry);

        LogRecovered(logger, data.Root, recovered.Snapshot.AppliedIndex, recovered.Entries.Count, cache.LastIndex, fsync);
        return new WriteAheadLog(data, logId, recovered.Snapshot.AppliedIndex, recovered.AppendTo, cache, fsync, segmentBytes, time, logger);
    }

    public void Append(in LogEntry entry)
    {
        _cache.Append(entry);
        lock (_pendingGate)
        {
            if (_pendingLast == 0)
                _pendingFirst = entry.Index;
            LogRecordCodec.Write(_pending, entry);
            _pendingLast = entry.Index;
        }

        _flushSignal.Set();
    }

    public ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken) =>
        index <= DurableIndex ? ValueTask.CompletedTask : new ValueTask(_durable.WaitAsync(index, Timeout.InfiniteTimeSpan, cancellationToken));

    public void OnDurable(Action listener) => _listeners.Add(listener);

    public int Read(long fromIndex, Span<LogEntry> destination)
    {
        var available = DurableIndex - fromIndex + 1;
        return available <= 0 ? 0 : _cache.Read(fromIndex, destination[..(int)Math.Min(destination.Length, available)]);
    }

    public async ValueTask ResetAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        await WaitDurableAsync(LastIndex, cancellationToken);
        await _fileGate.WaitAsync(cancellationToken);
        try
        {
            CloseSegment();
            var history = _data.History(logId).Create();
            if (logId != _logId)
            {
                // Build the new history's folder completely, then switch to it in one rename.
                foreach (var (_, path) in history.Segments())
                    File.Delete(path);
                await WriteSnapshotFileAsync(history, logId, snapshot, cancellationToken);
                _data.CommitHistory(logId);
                _data.DeleteOtherHistories(logId);
            }
            else
            {
                // Same history, caught up by snapshot: the snapshot supersedes every segment.
                await WriteSnapshotFileAsync(history, logId, snapshot, cancellationToken);
                DeleteSegmentsThrough(history, long.MaxValue);
            }

            DeleteSnapshotsBefore(history, snapshot.AppliedIndex);
            _history = history;
            _logId = logId;
            await _cache.ResetAsync(logId, snapshot, cancellationToken);
            Volatile.Write(ref _snapshotIndex, snapshot.AppliedIndex);
            Volatile.Write(ref _durableIndex, snapshot.AppliedIndex);
            _durable.Set(snapshot.AppliedIndex);
            _listeners.Notify();
            OpenSegmentForAppend(appendTo: null);
        }
        finally
        {
            _fileGate.Release();
        }
    }

    public async ValueTask DisposeAsync()
    {
        if (_stopping.IsCancellationRequested)
            return;
        await _stopping.CancelAsync();
        await _flusher;
        if (_segment is not null)
            RandomAccess.FlushToDisk(_segment);
        CloseSegment();
        _stopping.Dispose();
    }

    [LoggerMessage(EventId = 11, Level = LogLevel.Warning, Message = "Recovery repaired the log: {Repair}")]
    private static partial void LogTornTail(ILogger logger, string repair);

    [LoggerMessage(EventId = 12, Level = LogLevel.Information, Message = "Recovered {DataDir}: snapshot at {SnapshotIndex}, {Replayed} log entries replayed, last index {LastIndex}; fsync {Fsync}")]
    private static partial void LogRecovered(ILogger logger, string dataDir, long snapshotIndex, int replayed, long lastIndex, FsyncPolicy fsync);

    [LoggerMessage(EventId = 13, Level = LogLevel.Information, Message = "Snapshot at index {Index} ({Keys} keys) written; older log segments removed")]
    private static partial void LogCompacted(ILogger logger, long index, int keys);

    [LoggerMessage(EventId = 14, Level = LogLevel.Critical, Message = "Writing the log failed; retrying. Writes are not acknowledged meanwhile")]
    private static partial void LogWriteFailed(ILogger logger, Exception error);
}
