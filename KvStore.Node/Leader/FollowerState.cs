namespace KvStore.Node.Leader;

public enum FollowerState
{
    /// <summary>Acknowledging the latest entries.</summary>
    Healthy,

    /// <summary>Reachable but behind: catching up, or slower than the write rate.</summary>
    Lagging,

    /// <summary>The last attempt to reach it failed; retrying with backoff.</summary>
    Unreachable,
}
