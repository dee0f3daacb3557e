namespace KvStore.Node.Leader;

/// <summary>
/// What <c>GET /cluster</c> reports about one follower. <see cref="Url"/> is the one the leader replicates to;
/// <see cref="AdvertisedUrl"/> the one clients outside reach the follower at, as it said when its stream opened
/// (null when it has no ADVERTISED_URL or has not answered yet).
/// </summary>
public sealed record FollowerStatus(
    string Name,
    string Url,
    long AckedIndex,
    long Lag,
    string State,
    double? LastAckLatencyMs,
    string? LastError,
    string? AdvertisedUrl = null);
