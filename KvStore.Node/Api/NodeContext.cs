using KvStore.Node.Configuration;
using KvStore.Node.Follower;
using KvStore.Node.Leader;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Api;

/// <summary>What the HTTP handlers need to know about this node. <see cref="Writer"/> and <see cref="Replication"/> exist only on the leader, <see cref="Applier"/> only on followers.</summary>
public sealed record NodeContext(
    string Name,
    NodeRole Role,
    string? LeaderUrl,
    KeyValueState State,
    LeaderWriter? Writer,
    ReplicationCoordinator? Replication,
    ReplicaApplier? Applier,
    NodeMetrics Metrics,
    int MaxValueBytes,
    TimeSpan ReadWaitTimeout)
{
    public const int MaxKeyBytes = 1024;

    public string RoleName => Role == NodeRole.Leader ? "leader" : "follower";
}
