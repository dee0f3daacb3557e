using System.Runtime.InteropServices;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// DATA_DIR: a file <c>history</c> naming the log history this node's data belongs to, and one folder per
/// history (<c>&lt;log id&gt;/wal</c>, <c>&lt;log id&gt;/snapshots</c>). Switching to a new history builds its
/// folder first and then replaces <c>history</c> atomically, so a crash leaves either the old data or the new.
/// </summary>
public sealed partial class DataDirectory
{
    public DataDirectory(string root)
    {
        Root = Path.GetFullPath(root);
        Directory.CreateDirectory(Root);
    }

    public string Root { get; }

    private string HistoryPath => Path.Combine(Root, "history");

    public Guid? ReadHistory() =>
        File.Exists(HistoryPath) && Guid.TryParse(File.ReadAllText(HistoryPath).Trim(), out var id) ? id : null;

    public HistoryDirectory History(Guid logId) => new(Path.Combine(Root, logId.ToString("N")));

    /// <summary>Makes <paramref name="logId"/> the current history: the commit point of a switch.</summary>
    public void CommitHistory(Guid logId)
    {
        var temp = HistoryPath + ".tmp";
        using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
        {
            stream.Write(System.Text.Encoding.ASCII.GetBytes(logId.ToString()));
            stream.Flush(flushToDisk: true);
        }

        File.Move(temp, HistoryPath, overwrite: true);
        SyncDirectory(Root);
    }

    /// <summary>Removes folders of histories other than <paramref name="current"/> (left by a switch, or by a crash during one).</summary>
    public void DeleteOtherHistories(Guid current)
    {
        var keep = current.ToString("N");
        foreach (var folder in Directory.EnumerateDirectories(Root))
        {
            if (Guid.TryParseExact(Path.GetFileName(folder), "N", out _) && Path.GetFileName(folder) != keep)
                Directory.Delete(folder, recursive: true);
        }
    }

    /// <summary>Makes file creations, renames and deletions in <paramref name="directory"/> durable.</summary>
    public static void SyncDirectory(string directory)
    {
        if (!OperatingSystem.IsLinux())
            return;
        var fd = Open(directory, 0);
        if (fd < 0)
            return;
        _ = Fsync(fd);
        _ = Close(fd);
    }

    [LibraryImport("libc", EntryPoint = "open", StringMarshalling = StringMarshalling.Utf8)]
    private static partial int Open(string path, int flags);

    [LibraryImport("libc", EntryPoint = "fsync")]
    private static partial int Fsync(int fd);

    [LibraryImport("libc", EntryPoint = "close")]
    private static partial int Close(int fd);
}
