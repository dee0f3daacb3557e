namespace KvStore.Node.Leader;

/// <summary>
/// One client write. A null <see cref="Value"/> deletes the key. <see cref="IfVersion"/> makes it a
/// compare-and-set: 0 means "only if absent", -1 "only if present" (If-Match: *).
/// </summary>
public readonly record struct WriteCommand(string Key, byte[]? Value, long? IfVersion, int Quorum)
{
    public const long IfPresent = -1;
}
