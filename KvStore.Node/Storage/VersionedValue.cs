namespace KvStore.Node.Storage;

/// <summary>A key's current value (UTF-8 JSON text) and the log index of the write that set it.</summary>
public readonly record struct VersionedValue(byte[] Value, long Version);
