namespace KvStore.Node.Failover;

/// <summary>
/// GET /admin/position: where this node's log ends and what it is; a candidate's question to its peers. <see cref="Pid"/>
/// is the node's process id, so a failover drill on the same host can freeze the leader (SIGSTOP) without being told it.
/// </summary>
public sealed record PositionResponse(string Node, string Role, long Epoch, long LastEpoch, long LastIndex, bool Deposed, int Pid = 0);

/// <summary>POST /admin/fence?epoch=N: whether this node adopted epoch N (it refuses older leaders from now on) and where its log ends.</summary>
public sealed record FenceResponse(string Node, string Role, bool Adopted, long Epoch, long LastEpoch, long LastIndex);

/// <summary>POST /admin/promote: this node leads <see cref="Epoch"/> from <see cref="LastIndex"/> + 1, having heard from <see cref="Heard"/> followers (itself included).</summary>
public sealed record PromoteResponse(string Node, long Epoch, long LastIndex, int Heard, int Required);

/// <summary>POST /admin/step-down: the follower that took over, and its epoch.</summary>
public sealed record StepDownResponse(string Node, string NewLeader, long Epoch);

/// <summary>This node's own URL as its followers should name it (ADVERTISED_URL, else where it listens).</summary>
public sealed record SelfUrl(string? Url);
