namespace KvStore.Node.Replication;

/// <summary>
/// A follower's answer to <c>POST /replicate</c>: everything up to <see cref="AppliedIndex"/> is applied.
/// Sent with 200, or inside a 409 <c>log_gap</c> problem when the message started past the follower's next index.
/// </summary>
public sealed record ReplicateResponse(string Node, long AppliedIndex);
