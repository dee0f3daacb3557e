namespace KvStore.LoadRunner.Cluster;

/// <summary>The outcome of one write: committed at a version (by the leadership of <see cref="Epoch"/>, 0 when not known), or failed with the node's error code.</summary>
internal readonly record struct WriteResult(bool Succeeded, long Version, string? ErrorCode, long Epoch = 0)
{
    public static WriteResult Committed(long version, long epoch = 0) => new(true, version, null, epoch);

    public static WriteResult Failed(string code) => new(false, 0, code);
}
