namespace KvStore.Node.Failover;

/// <summary>Replication from a leader of <see cref="Epoch"/> reached a node that knows the newer epoch <see cref="Known"/>.</summary>
public sealed class StaleEpochException(long epoch, long known)
    : Exception($"epoch {epoch} is older than epoch {known}, which this node knows")
{
    public long Epoch { get; } = epoch;

    public long Known { get; } = known;
}
