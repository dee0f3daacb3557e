namespace KvStore.Node.Replication;

/// <summary>The internal replication API's path and headers, shared by the leader's sender and the follower's endpoint.</summary>
public static class ReplicationProtocol
{
    public const string Path = "/replicate";

    /// <summary>Catch-up by snapshot, for a follower that needs entries the leader no longer holds.</summary>
    public const string SnapshotPath = "/replicate/snapshot";

    /// <summary>The leader's log history id; a follower that sees a new one drops state from the old history.</summary>
    public const string LogIdHeader = "X-KvStore-Log-Id";

    /// <summary>
    /// The sender's epoch: on every replication call the leader's (absent: epoch 1, a leader from before epochs), on a
    /// follower's 409 <c>stale_epoch</c> the newer one it knows. A stream's frames all belong to the epoch it was opened with.
    /// </summary>
    public const string EpochHeader = "X-KvStore-Epoch";

    /// <summary>The leader's epoch history (<see cref="Failover.EpochHistory.Format"/>), so a follower can cut back a tail the leader does not have.</summary>
    public const string EpochsHeader = "X-KvStore-Epochs";
}
