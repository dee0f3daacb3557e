using Microsoft.Extensions.Configuration;

namespace KvStore.Node.Configuration;

/// <summary>
/// A node's configuration, bound from the reference labs' environment variables (ROLE, WRITE_QUORUM, ...).
/// Durations are seconds, as in the reference labs.
/// </summary>
public sealed class NodeOptions
{
    [ConfigurationKeyName("ROLE")]
    public string? Role { get; set; }

    [ConfigurationKeyName("NODE_NAME")]
    public string? NodeName { get; set; }

    [ConfigurationKeyName("WRITE_QUORUM")]
    public int WriteQuorum { get; set; } = 3;

    [ConfigurationKeyName("MIN_DELAY")]
    public double MinDelay { get; set; } = 0.0001;

    [ConfigurationKeyName("MAX_DELAY")]
    public double MaxDelay { get; set; } = 0.001;

    /// <summary>How long a write waits for its quorum before it answers 503 quorum_timeout.</summary>
    [ConfigurationKeyName("REPLICATION_TIMEOUT")]
    public double ReplicationTimeout { get; set; } = 5;

    [ConfigurationKeyName("REPLICATION_TOKEN")]
    public string? ReplicationToken { get; set; }

    /// <summary>Leader only: comma-separated follower URLs or service names.</summary>
    [ConfigurationKeyName("FOLLOWERS")]
    public string? Followers { get; set; }

    /// <summary>Follower only: the leader's URL or service name, returned to clients that try to write here.</summary>
    [ConfigurationKeyName("LEADER")]
    public string? Leader { get; set; }

    /// <summary>
    /// The URL clients outside the deployment reach this node at (a Compose port mapping, an ingress), when it is not
    /// the one the nodes use among themselves. The leader lists it in <c>GET /cluster</c>; a follower's 421 names the
    /// leader's. Unset: every node is known by its internal URL.
    /// </summary>
    [ConfigurationKeyName("ADVERTISED_URL")]
    public string? AdvertisedUrl { get; set; }

    /// <summary>
    /// off (default: ROLE is fixed) | manual (POST /admin/promote, /admin/step-down; ROLE is only how a node starts) |
    /// etcd (a leader is elected through a leased key in etcd; ROLE=leader only campaigns first).
    /// </summary>
    [ConfigurationKeyName("FAILOVER")]
    public string? Failover { get; set; }

    /// <summary>With FAILOVER=manual or etcd: the other nodes, as URLs or service names; a node that leads replicates to all of them.</summary>
    [ConfigurationKeyName("PEERS")]
    public string? Peers { get; set; }

    /// <summary>With FAILOVER=etcd: comma-separated etcd client URLs (http://host:2379).</summary>
    [ConfigurationKeyName("ETCD_ENDPOINTS")]
    public string? EtcdEndpoints { get; set; }

    /// <summary>With FAILOVER=etcd: the leader key's lease, whole seconds; a leader that cannot renew it stops taking writes within 3/4 of it.</summary>
    [ConfigurationKeyName("ETCD_LEASE_TTL")]
    public int EtcdLeaseTtl { get; set; } = 2;

    /// <summary>With FAILOVER=etcd: names the leader key, /kvstore/&lt;ETCD_CLUSTER&gt;/leader, so clusters can share an etcd.</summary>
    [ConfigurationKeyName("ETCD_CLUSTER")]
    public string EtcdCluster { get; set; } = "default";

    [ConfigurationKeyName("DATA_DIR")]
    public string? DataDir { get; set; }

    /// <summary>always (default) | an interval such as 100ms | never: see <see cref="Storage.Durability.FsyncPolicy"/>.</summary>
    [ConfigurationKeyName("FSYNC")]
    public string? Fsync { get; set; }

    /// <summary>Log entries the leader keeps for catching followers up; a follower further behind gets a snapshot.</summary>
    [ConfigurationKeyName("LOG_RETAIN")]
    public long LogRetain { get; set; } = 100_000;

    /// <summary>With DATA_DIR: write a snapshot (and drop the log before it) every this many entries.</summary>
    [ConfigurationKeyName("SNAPSHOT_EVERY")]
    public long SnapshotEvery { get; set; } = 100_000;

    [ConfigurationKeyName("SEGMENT_BYTES")]
    public long SegmentBytes { get; set; } = 64L * 1024 * 1024;

    [ConfigurationKeyName("MAX_VALUE_BYTES")]
    public int MaxValueBytes { get; set; } = 1024 * 1024;

    /// <summary>How long <c>GET /read?min_version=N</c> waits for this node to apply N.</summary>
    [ConfigurationKeyName("READ_WAIT_TIMEOUT")]
    public double ReadWaitTimeout { get; set; } = 2;

    /// <summary>
    /// Entries per replication frame, and how many frames' worth a follower may have unacknowledged: its stream
    /// stops cutting frames at REPLICATION_BATCH × REPLICATION_PIPELINE entries ahead of its acknowledgements.
    /// </summary>
    [ConfigurationKeyName("REPLICATION_BATCH")]
    public int ReplicationBatch { get; set; } = 512;

    [ConfigurationKeyName("REPLICATION_PIPELINE")]
    public int ReplicationPipeline { get; set; } = 4;

    public Storage.Durability.FsyncPolicy FsyncPolicy =>
        Storage.Durability.FsyncPolicy.TryParse(Fsync, out var policy) ? policy : Storage.Durability.FsyncPolicy.Always;

    public NodeRole ParsedRole => Enum.Parse<NodeRole>(Role!, ignoreCase: true);

    /// <summary>Whom this node replicates to when it leads: FOLLOWERS, or PEERS when any node may lead.</summary>
    public string[] FollowerReferences =>
        ((AnyNodeMayLead ? Peers : Followers) ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public bool ManualFailover => string.Equals(Failover?.Trim(), "manual", StringComparison.OrdinalIgnoreCase);

    public bool EtcdFailover => string.Equals(Failover?.Trim(), "etcd", StringComparison.OrdinalIgnoreCase);

    /// <summary>FAILOVER=manual or etcd: ROLE is only how a node starts, and whoever leads replicates to PEERS.</summary>
    public bool AnyNodeMayLead => ManualFailover || EtcdFailover;

    public string[] EtcdEndpointList =>
        (EtcdEndpoints ?? "").Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);

    public string EffectiveName => string.IsNullOrWhiteSpace(NodeName) ? ParsedRole.ToString().ToLowerInvariant() : NodeName;

    public TimeSpan ReplicationTimeoutSpan => TimeSpan.FromSeconds(ReplicationTimeout);

    public TimeSpan ReadWaitTimeoutSpan => TimeSpan.FromSeconds(ReadWaitTimeout);
}
