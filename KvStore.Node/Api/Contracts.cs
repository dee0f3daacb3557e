using KvStore.Node.Leader;

namespace KvStore.Node.Api;

/// <summary>
/// A committed write: its version (the log index), how many followers had it when answered, and the epoch of the
/// leadership that acknowledged it (as etcd's raft_term), so a client sees a failover between two answers.
/// </summary>
public sealed record WriteResponse(string Key, long Version, int Quorum, int Acks, long Epoch);

public sealed record ReadResponse(string Key, RawJson Value, long Version);

public sealed record DataItem(RawJson Value, long Version);

/// <summary>A node's whole state as of <see cref="AppliedIndex"/>; keys in ordinal order.</summary>
public sealed record DataResponse(string Node, string Role, long AppliedIndex, Dictionary<string, DataItem> Data);

/// <summary>
/// The leader's view of replication; <see cref="MinDelay"/>/<see cref="MaxDelay"/> (seconds) are the simulated lag bounds.
/// <see cref="AdvertisedUrl"/> is the leader's ADVERTISED_URL (null when unset), as each follower's is in its status.
/// <see cref="Epoch"/> is the newest epoch the node knows (its own while it leads). Under FAILOVER=manual followers answer
/// too: <see cref="LeaderUrl"/> is the leader they know of (null during an election), <see cref="Role"/> what the node is.
/// </summary>
public sealed record ClusterResponse(
    string Leader, long LastIndex, int WriteQuorum, double MinDelay, double MaxDelay, IReadOnlyList<FollowerStatus> Followers, string? AdvertisedUrl,
    long Epoch = 0, string? LeaderUrl = null, string? Role = null);
