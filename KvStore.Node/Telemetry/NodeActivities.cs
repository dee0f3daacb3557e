using System.Diagnostics;

namespace KvStore.Node.Telemetry;

/// <summary>
/// The node's spans. A write is one trace: the client's request, the leader's <c>kv.write</c>, and under it one
/// <c>kv.replicate</c> span per follower from "entry sent" to "follower acknowledged". Each replication
/// frame is a <c>kv.replicate.message</c> span whose parent is the first write it carries and which links to the rest;
/// the frame header carries its context, so the follower's <c>kv.apply</c> joins that trace.
/// </summary>
public static class NodeActivities
{
    public const string SourceName = "KvStore.Node";

    public static readonly ActivitySource Source = new(SourceName, typeof(NodeActivities).Assembly.GetName().Version?.ToString());

    public const string Write = "kv.write";
    public const string Replicate = "kv.replicate";
    public const string ReplicateMessage = "kv.replicate.message";
    public const string Apply = "kv.apply";
    public const string QuorumReached = "quorum reached";

    public const string KeyTag = "kv.key";
    public const string VersionTag = "kv.version";
    public const string QuorumTag = "kv.quorum";
    public const string AcksTag = "kv.acks";
    public const string FollowerTag = "kv.follower";
    public const string FollowersTag = "kv.followers";
    public const string LogIndexTag = "kv.log_index";
    public const string BatchSizeTag = "kv.batch_size";
    public const string LagTag = "kv.simulated_lag_ms";
    public const string FirstIndexTag = "kv.first_index";
    public const string LastIndexTag = "kv.last_index";
}
