using System.Runtime;
using KvStore.Node.Replication;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// What a node finds in DATA_DIR at start: its history, latest snapshot and the log entries after it.
/// <paramref name="AppendTo"/> is the newest segment when it ends exactly where the log does, so appends may continue it.
/// </summary>
public sealed record RecoveredLog(Guid? LogId, StateSnapshot Snapshot, List<LogEntry> Entries, string? Repair, string? AppendTo = null);

/// <summary>
/// Reads DATA_DIR back. Invariants: every entry returned was written by this node, in index order, without
/// gaps from the snapshot on. A torn or damaged tail of the newest segment (a write cut short by a crash) is
/// truncated to the last good record and reported; damage anywhere else, or a missing range, stops the node.
/// </summary>
public static class WalRecovery
{
    /// <summary>
    /// Runs <paramref name="load"/>, which allocates about <paramref name="bytes"/> of objects that all stay alive, with
    /// no garbage collection meanwhile when the runtime can set that much aside. A snapshot's items are one array per
    /// key: every young-generation collection during the load would find all of them alive and copy them up a
    /// generation, most of what loading a large snapshot cost. Recovery runs before the node serves anything, so no
    /// other allocation shares the budget; if the load outgrows it anyway, the runtime simply collects again.
    /// </summary>
    private static T WithoutCollections<T>(long bytes, Func<T> load)
    {
        var started = false;
        try
        {
            started = GC.TryStartNoGCRegion(bytes);
        }
        catch (ArgumentOutOfRangeException)
        {
            // More than the runtime can set aside at once: load with collections.
        }

        try
        {
            return load();
        }
        finally
        {
            if (started && GCSettings.LatencyMode == GCLatencyMode.NoGCRegion)
                GC.EndNoGCRegion();
        }
    }

    public static RecoveredLog Recover(DataDirectory data)
    {
        if (data.ReadHistory() is not { } logId)
            return new RecoveredLog(null, StateSnapshot.Empty, [], null);

        var directory = data.History(logId);
        var snapshot = StateSnapshot.Empty;
        if (directory.SnapshotFiles() is { Count: > 0 } snapshots)
        {
            var (_, path) = snapshots[^1];
            var bytes = File.ReadAllBytes(path);
            var (snapshotLogId, loaded) = WithoutCollections(bytes.Length + bytes.Length / 4, () => SnapshotFile.Read(bytes, path));
            if (snapshotLogId != logId)
                throw new WalCorruptionException($"{path} belongs to log {snapshotLogId}, but this data directory's history is {logId}.");
            snapshot = loaded;
        }

        var entries = new List<LogEntry>();
        var expected = snapshot.AppliedIndex + 1;
        string? repair = null;
        string? appendTo = null;
        var segments = directory.Segments();
        for (var s = 0; s < segments.Count; s++)
        {
            var (first, path) = segments[s];
            if (first > expected)
                throw new WalCorruptionException($"{path} starts at index {first}, but the log before it ends at {expected - 1}: entries are missing.");

            var bytes = File.ReadAllBytes(path);
            var isNewest = s == segments.Count - 1;
            var (next, goodLength) = ReadSegment(bytes, first, expected, entries);

            // A newest segment wholly inside the snapshot (a crash during compaction) must not take appends.
            appendTo = isNewest && next >= expected ? path : null;
            expected = Math.Max(expected, next);
            if (goodLength == bytes.Length)
                continue;

            // A crash tears at most the end of the newest segment; anything else means the disk lied.
            if (!isNewest || ValidRecordFollows(bytes, goodLength + 1, next))
            {
                throw new WalCorruptionException(
                    $"{path}: the record for index {next} at byte {goodLength} is damaged and is not the end of the log; " +
                    "refusing to serve possibly wrong data. Restore DATA_DIR from a replica or a backup.");
            }

            Truncate(path, goodLength);
            repair = $"{path}: truncated a torn tail of {bytes.Length - goodLength} bytes after index {next - 1}";
        }

        return new RecoveredLog(logId, snapshot, entries, repair, appendTo);
    }

    /// <summary>Reads consecutive records from <paramref name="first"/>; keeps those from <paramref name="expected"/> on.</summary>
    private static (long Next, int GoodLength) ReadSegment(byte[] bytes, long first, long expected, List<LogEntry> entries)
    {
        var index = first;
        var offset = 0;
        while (offset < bytes.Length &&
               LogRecordCodec.TryRead(bytes.AsSpan(offset), out var entry, out var consumed) == DecodeStatus.Ok &&
               entry.Index == index)
        {
            // Entries already in the snapshot stay in old segments until compaction deletes them.
            if (index >= expected)
                entries.Add(entry);
            index++;
            offset += consumed;
        }

        return (index, offset);
    }

    private static bool ValidRecordFollows(byte[] bytes, int from, long index)
    {
        for (var p = from; p < bytes.Length - LogRecordCodec.HeaderSize; p++)
        {
            if (LogRecordCodec.TryRead(bytes.AsSpan(p), out var entry, out _) == DecodeStatus.Ok && entry.Index >= index)
                return true;
        }

        return false;
    }

    private static void Truncate(string path, int length)
    {
        using var stream = new FileStream(path, FileMode.Open, FileAccess.Write);
        stream.SetLength(length);
        stream.Flush(flushToDisk: true);
    }
}
