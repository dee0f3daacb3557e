using System.Net;

namespace KvStore.Node.Leader;

/// <summary>A follower answered a replication message with an unexpected status; retried with backoff.</summary>
public sealed class ReplicationRejectedException(HttpStatusCode status, string detail)
    : Exception($"follower answered {(int)status} {status}: {detail}")
{
    public HttpStatusCode Status { get; } = status;
}
