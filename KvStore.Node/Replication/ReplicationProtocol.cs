namespace KvStore.Node.Replication;

/// <summary>The internal replication API's path and headers, shared by the leader's sender and the follower's endpoint.</summary>
public static class ReplicationProtocol
{
    public const string Path = "/replicate";

    /// <summary>Catch-up by snapshot, for a follower that needs entries the leader no longer holds.</summary>
    public const string SnapshotPath = "/replicate/snapshot";

    /// <summary>The leader's log history id; a follower that sees a new one drops state from the old history.</summary>
    public const string LogIdHeader = "X-KvStore-Log-Id";
}
