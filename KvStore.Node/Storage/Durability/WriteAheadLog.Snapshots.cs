namespace KvStore.Node.Storage.Durability;

/// <summary>Snapshots: written beside the log (temp file, fsync, rename), then the segments and older snapshots they cover go.</summary>
public sealed partial class WriteAheadLog
{
    /// <summary>
    /// Writes <paramref name="snapshot"/> (whose entries must be durable) to disk and deletes what it makes
    /// redundant: older snapshots and every segment that ends at or before it.
    /// </summary>
    public async Task CompactAsync(StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        await WaitDurableAsync(snapshot.AppliedIndex, cancellationToken);
        var history = _history;
        await WriteSnapshotFileAsync(history, _logId, snapshot, cancellationToken);
        Volatile.Write(ref _snapshotIndex, snapshot.AppliedIndex);

        await _fileGate.WaitAsync(cancellationToken);
        try
        {
            // Start a fresh segment so the one holding the snapshot's last entries can go at the next compaction.
            if (_segmentLength > 0)
                RotateTo(DurableIndex + 1);
            DeleteSegmentsThrough(history, snapshot.AppliedIndex);
            DeleteSnapshotsBefore(history, snapshot.AppliedIndex);
        }
        finally
        {
            _fileGate.Release();
        }

        LogCompacted(_logger, snapshot.AppliedIndex, snapshot.Items.Length);
    }

    private static async Task WriteSnapshotFileAsync(HistoryDirectory history, Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken)
    {
        var path = history.SnapshotPath(snapshot.AppliedIndex);
        var temp = path + ".tmp";
        await using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write, FileShare.None, 1 << 16, useAsync: true))
        {
            await SnapshotFile.WriteAsync(stream, logId, snapshot, cancellationToken);
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, path, overwrite: true);
        DataDirectory.SyncDirectory(history.Snapshots);
    }

    private static void DeleteSnapshotsBefore(HistoryDirectory history, long index)
    {
        foreach (var (snapshotIndex, path) in history.SnapshotFiles())
        {
            if (snapshotIndex < index)
                File.Delete(path);
        }
    }
}
