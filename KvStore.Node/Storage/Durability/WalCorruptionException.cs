namespace KvStore.Node.Storage.Durability;

/// <summary>The data directory is damaged somewhere other than a torn tail: the node refuses to serve possibly wrong data.</summary>
public sealed class WalCorruptionException(string message) : Exception(message);
