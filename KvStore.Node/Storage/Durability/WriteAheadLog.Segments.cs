namespace KvStore.Node.Storage.Durability;

/// <summary>The segment files: the one open for appends, rotation at the size bound, and deleting what a snapshot covers.</summary>
public sealed partial class WriteAheadLog
{
    /// <summary>Continues <paramref name="appendTo"/> (recovery found it ends where the log does) or starts a new segment.</summary>
    private void OpenSegmentForAppend(string? appendTo)
    {
        _history.Create();
        if (appendTo is not null)
        {
            _segment = File.OpenHandle(appendTo, FileMode.Open, FileAccess.Write, FileShare.Read);
            _segmentLength = RandomAccess.GetLength(_segment);
            return;
        }

        StartSegment(LastIndex + 1);
    }

    private void RotateTo(long firstIndex)
    {
        if (_segment is not null && _fsync.Mode != FsyncMode.Never)
        {
            RandomAccess.FlushToDisk(_segment);
            Interlocked.Increment(ref _fsyncs);
        }
        _unsyncedSince = -1;
        CloseSegment();
        StartSegment(firstIndex);
    }

    private void StartSegment(long firstIndex)
    {
        _segment = File.OpenHandle(_history.SegmentPath(firstIndex), FileMode.Create, FileAccess.Write, FileShare.Read);
        _segmentLength = 0;
        DataDirectory.SyncDirectory(_history.Wal);
    }

    private void CloseSegment()
    {
        _segment?.Dispose();
        _segment = null;
    }

    private static void DeleteSegmentsThrough(HistoryDirectory history, long index)
    {
        var segments = history.Segments();
        for (var i = 0; i < segments.Count; i++)
        {
            // A segment ends where the next begins; the newest one is open for appends and goes only when everything does.
            var end = i + 1 < segments.Count ? segments[i + 1].FirstIndex - 1 : long.MaxValue;
            if (end <= index)
                File.Delete(segments[i].Path);
        }

        DataDirectory.SyncDirectory(history.Wal);
    }
}
