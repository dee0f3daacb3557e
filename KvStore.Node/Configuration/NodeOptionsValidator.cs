using Microsoft.Extensions.Options;

namespace KvStore.Node.Configuration;

/// <summary>
/// Checks a node's configuration at start, with messages that say which variable to set. FOLLOWERS entries are resolved
/// (asynchronously, through service discovery) by <see cref="Leader.FollowerDirectory"/> and refused with <see cref="UnresolvedFollower"/>.
/// </summary>
public sealed class NodeOptionsValidator : IValidateOptions<NodeOptions>
{
    public ValidateOptionsResult Validate(string? name, NodeOptions o)
    {
        var failures = new List<string>();
        if (!Enum.TryParse<NodeRole>(o.Role, ignoreCase: true, out var role) || int.TryParse(o.Role, out _))
        {
            failures.Add($"set ROLE to 'leader' or 'follower' (got '{o.Role}')");
            return ValidateOptionsResult.Fail(failures);
        }

        if (string.IsNullOrWhiteSpace(o.ReplicationToken))
            failures.Add("set REPLICATION_TOKEN to the shared secret the leader sends with every /replicate call");
        if (o.MinDelay < 0 || o.MaxDelay < 0)
            failures.Add($"MIN_DELAY and MAX_DELAY must not be negative (got {o.MinDelay} and {o.MaxDelay})");
        if (o.MinDelay > o.MaxDelay)
            failures.Add($"MIN_DELAY ({o.MinDelay}) must not exceed MAX_DELAY ({o.MaxDelay})");
        if (o.ReplicationTimeout <= 0)
            failures.Add($"REPLICATION_TIMEOUT must be a positive number of seconds (got {o.ReplicationTimeout})");
        if (o.ReadWaitTimeout < 0)
            failures.Add($"READ_WAIT_TIMEOUT must not be negative (got {o.ReadWaitTimeout})");
        if (o.MaxValueBytes <= 0)
            failures.Add($"MAX_VALUE_BYTES must be positive (got {o.MaxValueBytes})");
        if (o.MaxValueBytes > Replication.ReplicationStreamFormat.MaxValueBytes)
            failures.Add($"MAX_VALUE_BYTES must be at most {Replication.ReplicationStreamFormat.MaxValueBytes}, so that every write fits one replication frame (got {o.MaxValueBytes})");
        if (!Storage.Durability.FsyncPolicy.TryParse(o.Fsync, out _))
            failures.Add($"FSYNC must be 'always', 'never' or an interval such as 100ms (got '{o.Fsync}')");
        if (o.LogRetain < 1 || o.SnapshotEvery < 1 || o.SegmentBytes < 4096)
            failures.Add("LOG_RETAIN and SNAPSHOT_EVERY must be positive and SEGMENT_BYTES at least 4096");
        if (o.ReplicationBatch <= 0 || o.ReplicationPipeline <= 0)
            failures.Add("REPLICATION_BATCH and REPLICATION_PIPELINE must be positive");
        if (!string.IsNullOrWhiteSpace(o.AdvertisedUrl) && !IsHttpUrl(o.AdvertisedUrl))
            failures.Add($"ADVERTISED_URL must be an absolute http(s) URL such as http://localhost:8001 (got '{o.AdvertisedUrl}')");

        var failover = o.Failover?.Trim().ToLowerInvariant();
        if (failover is not (null or "" or "off" or "manual" or "etcd"))
            failures.Add($"FAILOVER must be 'off', 'manual' or 'etcd' (got '{o.Failover}')");

        if (o.EtcdFailover)
        {
            if (o.EtcdEndpointList.Length == 0 || !o.EtcdEndpointList.All(IsHttpUrl))
                failures.Add($"FAILOVER=etcd needs ETCD_ENDPOINTS: a comma list of etcd client URLs such as http://127.0.0.1:2379 (got '{o.EtcdEndpoints}')");
            if (o.EtcdLeaseTtl < 1)
                failures.Add($"ETCD_LEASE_TTL must be a whole number of seconds, at least 1 (got {o.EtcdLeaseTtl})");
            if (string.IsNullOrWhiteSpace(o.EtcdCluster) || o.EtcdCluster.Contains('/'))
                failures.Add($"ETCD_CLUSTER must be a name without '/' (got '{o.EtcdCluster}')");
        }

        if (o.AnyNodeMayLead)
        {
            var peers = o.FollowerReferences.Length;
            if (peers == 0)
                failures.Add($"FAILOVER={failover} needs PEERS: a comma list of the other nodes' URLs or service names");
            else if (o.WriteQuorum < 0 || o.WriteQuorum > peers)
                failures.Add($"WRITE_QUORUM ({o.WriteQuorum}) must be between 0 and the number of PEERS ({peers}): whoever leads replicates to its peers");
        }
        else if (role == NodeRole.Leader)
        {
            var followers = o.FollowerReferences.Length;
            if (o.WriteQuorum < 0 || o.WriteQuorum > followers)
            {
                failures.Add($"WRITE_QUORUM ({o.WriteQuorum}) must be between 0 and the number of FOLLOWERS ({followers}); " +
                    "set FOLLOWERS to a comma list of follower URLs or service names, or lower WRITE_QUORUM");
            }
        }

        return failures.Count == 0 ? ValidateOptionsResult.Success : ValidateOptionsResult.Fail(failures);
    }

    /// <summary>Why a FOLLOWERS entry that service discovery does not know cannot start the leader.</summary>
    public static string UnresolvedFollower(string reference) =>
        $"FOLLOWERS entry '{reference}' is neither a URL nor a known service; use http://host:port or set services__{reference}__http__0";

    public static bool IsHttpUrl(string? value) =>
        Uri.TryCreate(value, UriKind.Absolute, out var uri) && uri.Scheme is "http" or "https";
}
