namespace KvStore.Node.Leader;

/// <summary>Shape of each follower's stream: entries per message and messages in flight.</summary>
public readonly record struct ReplicationSettings(int BatchSize, int PipelineDepth);
