namespace KvStore.LoadRunner.Cluster;

/// <summary>The outcome of one write: committed at a version, or failed with the node's error code.</summary>
internal readonly record struct WriteResult(bool Succeeded, long Version, string? ErrorCode)
{
    public static WriteResult Committed(long version) => new(true, version, null);

    public static WriteResult Failed(string code) => new(false, 0, code);
}
