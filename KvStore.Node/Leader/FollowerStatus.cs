namespace KvStore.Node.Leader;

/// <summary>What <c>GET /cluster</c> reports about one follower.</summary>
public sealed record FollowerStatus(
    string Name,
    string Url,
    long AckedIndex,
    long Lag,
    string State,
    double? LastAckLatencyMs,
    string? LastError);
