using KvStore.Node.Configuration;
using KvStore.Node.Follower;
using KvStore.Node.Leader;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Api;

/// <summary>
/// What the HTTP handlers need to know about this node. <see cref="Writer"/> and <see cref="Replication"/> exist only on
/// the leader, <see cref="Applier"/> and <see cref="Leader"/> only on followers. <see cref="AdvertisedUrl"/> is this
/// node's ADVERTISED_URL, if set.
/// </summary>
public sealed record NodeContext(
    string Name,
    NodeRole Role,
    string? AdvertisedUrl,
    LeaderLocation? Leader,
    KeyValueState State,
    LeaderWriter? Writer,
    ReplicationCoordinator? Replication,
    ReplicaApplier? Applier,
    NodeMetrics Metrics,
    int MaxValueBytes,
    TimeSpan ReadWaitTimeout)
{
    public const int MaxKeyBytes = 1024;

    /// <summary>Where a follower sends writes: the leader's advertised URL, else LEADER.</summary>
    public string? LeaderUrl => Leader?.Url;

    public string RoleName => Role == NodeRole.Leader ? "leader" : "follower";
}
