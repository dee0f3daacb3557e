using KvStore.Node.Configuration;
using KvStore.Node.Follower;
using KvStore.Node.Leader;

namespace KvStore.Node.Failover;

/// <summary>What this node is right now: the leader's parts (writer, replication, term) or the follower's (applier).</summary>
public sealed record RoleParts(NodeRole Role, LeaderWriter? Writer, ReplicationCoordinator? Replication, LeaderTerm? Term, ReplicaApplier? Applier);

/// <summary>
/// The current role, swapped whole. Invariant: a node is never leader and follower at once; while it leads nothing is
/// appended through the applier (the handlers see no applier), and while it follows nothing through a writer. With
/// FAILOVER=off the parts are fixed at start.
/// </summary>
public sealed class NodeRoles(RoleParts initial)
{
    private volatile RoleParts _current = initial;

    public RoleParts Current => _current;

    public void Set(RoleParts parts) => _current = parts;
}
