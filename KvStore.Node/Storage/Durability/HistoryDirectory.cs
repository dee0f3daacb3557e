using System.Globalization;

namespace KvStore.Node.Storage.Durability;

/// <summary>One history's files: <c>wal/NNN.wal</c> (segments named by their first index) and <c>snapshots/NNN.snap</c>.</summary>
public sealed class HistoryDirectory
{
    public HistoryDirectory(string root)
    {
        Root = root;
        Wal = Path.Combine(root, "wal");
        Snapshots = Path.Combine(root, "snapshots");
    }

    public string Root { get; }

    public string Wal { get; }

    public string Snapshots { get; }

    public HistoryDirectory Create()
    {
        Directory.CreateDirectory(Wal);
        Directory.CreateDirectory(Snapshots);
        return this;
    }

    public string SegmentPath(long firstIndex) => Path.Combine(Wal, $"{firstIndex:D20}.wal");

    public string SnapshotPath(long index) => Path.Combine(Snapshots, $"{index:D20}.snap");

    /// <summary>Log segments, oldest first.</summary>
    public IReadOnlyList<(long FirstIndex, string Path)> Segments() => List(Wal, ".wal");

    /// <summary>Snapshot files, oldest first.</summary>
    public IReadOnlyList<(long Index, string Path)> SnapshotFiles() => List(Snapshots, ".snap");

    private static List<(long, string)> List(string directory, string extension) =>
        !Directory.Exists(directory) ? [] :
        Directory.EnumerateFiles(directory, "*" + extension)
            .Select(path => (Ok: long.TryParse(Path.GetFileNameWithoutExtension(path), NumberStyles.None, CultureInfo.InvariantCulture, out var index), index, path))
            .Where(f => f.Ok)
            .OrderBy(f => f.index)
            .Select(f => (f.index, f.path))
            .ToList();
}
