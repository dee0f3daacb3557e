using System.Text.Json;

namespace KvStore.LoadRunner.Cluster;

// The node's HTTP contract as the load runner reads it (KvStore.Node/Api/Contracts.cs). Declared here rather than
// shared so the load runner keeps working against any node that speaks the documented JSON, e.g. over Compose.

internal sealed record WriteRequest(string Key, string Value);

/// <summary><paramref name="Epoch"/>: the leadership that acknowledged it; 0 from a node that does not say.</summary>
internal sealed record WriteAnswer(string Key, long Version, int Quorum, int Acks, long Epoch = 0);

/// <summary>
/// An application/problem+json answer; <see cref="Code"/> is the node's stable error code. <see cref="CurrentVersion"/>
/// comes with version_mismatch, <see cref="Version"/> with quorum_timeout (the write is in the leader's log at it).
/// </summary>
internal sealed record ProblemAnswer(
    string? Title, int? Status, string? Detail, string? Code, string? Leader, long? CurrentVersion = null, long? Version = null);

/// <summary><c>GET /read</c>'s answer.</summary>
internal sealed record ReadAnswer(string Key, JsonElement Value, long Version);

/// <summary><c>GET /read</c>'s answer as the bench reads it: only the version, so the value is skipped, not copied.</summary>
internal sealed record ReadVersionAnswer(long Version);

internal sealed record DataItem(JsonElement Value, long Version);

/// <summary>A node's whole state as of <see cref="AppliedIndex"/>.</summary>
internal sealed record DataSnapshot(string Node, string Role, long AppliedIndex, Dictionary<string, DataItem> Data);

/// <summary>A follower in <c>GET /cluster</c>: <see cref="Url"/> is the leader's way to it, <see cref="AdvertisedUrl"/> (optional) the outside's.</summary>
internal sealed record FollowerStatus(string Name, string Url, long AckedIndex, long Lag, string State, string? AdvertisedUrl = null);

/// <summary>
/// <c>GET /cluster</c>. Under FAILOVER=manual or etcd every node answers: <see cref="Role"/> is what it is,
/// <see cref="LeaderUrl"/> the leader it knows of (null during an election), <see cref="Epoch"/> the newest epoch it knows.
/// </summary>
internal sealed record ClusterAnswer(string Leader, long LastIndex, int WriteQuorum, List<FollowerStatus> Followers, string? AdvertisedUrl = null,
    long Epoch = 0, string? LeaderUrl = null, string? Role = null);

/// <summary><c>GET /admin/position</c>: where the node's log ends, what it is, and its process id (for a drill on the same host).</summary>
internal sealed record PositionAnswer(string Node, string Role, long Epoch, long LastEpoch, long LastIndex, bool Deposed, int Pid = 0);

/// <summary><c>POST /admin/step-down</c>: the node that took over and its epoch.</summary>
internal sealed record StepDownAnswer(string Node, string NewLeader, long Epoch);
