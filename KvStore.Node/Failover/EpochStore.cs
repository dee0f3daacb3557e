using System.Globalization;
using KvStore.Node.Storage.Durability;

namespace KvStore.Node.Failover;

/// <summary>
/// This node's epoch: the newest leadership it knows of, and the epoch history of its log. Kept in
/// <c>DATA_DIR/epochs</c> (replaced atomically and fsynced before any change is acted on), in memory without DATA_DIR.
/// Invariant: <see cref="Current"/> never decreases, so once this node has learned of epoch e (and answered the
/// candidate of e), it never again accepts replication from a leader of an older epoch; without that durable, a
/// restarted follower could count toward the quorum of a deposed leader and an acknowledged write could be lost.
/// </summary>
public sealed class EpochStore
{
    private readonly string? _path;
    private readonly Lock _gate = new();
    private long _current;
    // No file yet: everything this node holds predates epochs, and the first leadership is epoch 1.
    private IReadOnlyList<EpochStart> _history = EpochHistory.Initial;

    public EpochStore(string? dataDir)
    {
        if (string.IsNullOrWhiteSpace(dataDir))
            return;
        Directory.CreateDirectory(dataDir);
        _path = Path.Combine(Path.GetFullPath(dataDir), "epochs");
        if (!File.Exists(_path))
            return;
        var lines = File.ReadAllLines(_path);
        if (lines.Length < 1 || !long.TryParse(lines[0], NumberStyles.None, CultureInfo.InvariantCulture, out _current))
            throw new IOException($"{_path} is damaged: its first line is not an epoch.");
        _history = EpochHistory.Parse(lines.Length > 1 ? lines[1] : null) ?? throw new IOException($"{_path} is damaged: bad epoch history.");
    }

    /// <summary>The newest epoch this node knows of (0 before it has seen any).</summary>
    public long Current => Volatile.Read(ref _current);

    public IReadOnlyList<EpochStart> History => Volatile.Read(ref _history);

    /// <summary>Raises <see cref="Current"/> to <paramref name="epoch"/> (durably); false when this node already knows a newer one.</summary>
    public bool Adopt(long epoch)
    {
        lock (_gate)
        {
            if (epoch < _current)
                return false;
            if (epoch > _current)
                Save(epoch, _history);
            return true;
        }
    }

    /// <summary>This node leads <paramref name="epoch"/> from <paramref name="startIndex"/>: both the epoch and the history record it.</summary>
    public void Begin(long epoch, long startIndex)
    {
        lock (_gate)
        {
            if (epoch < _current)
                throw new InvalidOperationException($"Epoch {epoch} is older than the known epoch {_current}.");
            Save(epoch, EpochHistory.Begin(_history, epoch, startIndex));
        }
    }

    /// <summary>Takes the leader's history (a follower whose log agrees with it), unless it is older than what this node knows.</summary>
    public bool Follow(long epoch, IReadOnlyList<EpochStart> history)
    {
        lock (_gate)
        {
            if (epoch < _current)
                return false;
            if (epoch != _current || !history.SequenceEqual(_history))
                Save(epoch, history);
            return true;
        }
    }

    private void Save(long epoch, IReadOnlyList<EpochStart> history)
    {
        if (_path is not null)
        {
            var temp = _path + ".tmp";
            using (var stream = new FileStream(temp, FileMode.Create, FileAccess.Write))
            {
                stream.Write(System.Text.Encoding.ASCII.GetBytes(
                    epoch.ToString(CultureInfo.InvariantCulture) + "\n" + EpochHistory.Format(history) + "\n"));
                stream.Flush(flushToDisk: true);
            }

            File.Move(temp, _path, overwrite: true);
            DataDirectory.SyncDirectory(Path.GetDirectoryName(_path)!);
        }

        _history = history;
        Volatile.Write(ref _current, epoch);
    }
}
