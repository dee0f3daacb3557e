using KvStore.Node.Configuration;
using KvStore.Node.Follower;
using KvStore.Node.Leader;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;

namespace KvStore.Node.Api;

/// <summary>
/// What the HTTP handlers need to know about this node. <see cref="Writer"/> and <see cref="Replication"/> exist only while
/// it leads, <see cref="Applier"/> only while it follows (read from <see cref="Roles"/> at each call: under FAILOVER=manual or
/// etcd the role changes). <see cref="AdvertisedUrl"/> is this node's ADVERTISED_URL, if set.
/// </summary>
public sealed record NodeContext(
    string Name,
    Failover.NodeRoles Roles,
    string? AdvertisedUrl,
    LeaderLocation? Leader,
    KeyValueState State,
    NodeMetrics Metrics,
    int MaxValueBytes,
    TimeSpan ReadWaitTimeout,
    Failover.EpochStore Epochs,
    bool AnyNodeMayLead = false,
    bool Elected = false)
{
    public const int MaxKeyBytes = 1024;

    public NodeRole Role => Roles.Current.Role;

    public LeaderWriter? Writer => Roles.Current.Writer;

    public ReplicationCoordinator? Replication => Roles.Current.Replication;

    public ReplicaApplier? Applier => Roles.Current.Applier;

    /// <summary>Where a follower sends writes: the leader's advertised URL, else LEADER.</summary>
    public string? LeaderUrl => Leader?.Url;

    /// <summary>Where this node itself reaches the leader (see <see cref="LeaderLocation.InternalUrl"/>).</summary>
    public string? LeaderInternalUrl => Leader?.InternalUrl;

    public string RoleName => Role == NodeRole.Leader ? "leader" : "follower";
}
