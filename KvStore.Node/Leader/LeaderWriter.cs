using KvStore.Node.Configuration;
using KvStore.Node.Storage;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Leader;

/// <summary>
/// The only way into the log. Invariants: versions are assigned, appended and applied under one lock, so
/// they are gap-free and every replica sees writes in the same order; a compare-and-set is checked
/// against the state that the new entry follows. A write is acknowledged only once it is durable here
/// and applied by its quorum. The waits happen outside the lock, so concurrent writes share one fsync
/// (group commit) and replication round trips. Reads on the leader may see a write before it is
/// acknowledged, as with Redis: an unacknowledged write is not promised to anyone.
/// </summary>
public sealed class LeaderWriter(
    IReplicationLog log,
    KeyValueState state,
    QuorumTracker quorum,
    ReplicationCoordinator replication,
    IOptions<NodeOptions> options)
{
    private readonly Lock _appendGate = new();
    private readonly TimeSpan _timeout = options.Value.ReplicationTimeoutSpan;

    public int Followers => quorum.Followers;

    public int DefaultQuorum { get; } = options.Value.WriteQuorum;

    public async Task<WriteOutcome> WriteAsync(WriteCommand command, CancellationToken cancellationToken)
    {
        LogEntry entry;
        bool created;
        lock (_appendGate)
        {
            var exists = state.TryGet(command.Key, out var current);
            var currentVersion = exists ? current.Version : 0;
            if (command.IfVersion is { } expected &&
                (expected == WriteCommand.IfPresent ? !exists : expected != currentVersion))
            {
                return new WriteOutcome.VersionMismatch(currentVersion);
            }

            if (command.Value is null && !exists)
                return new WriteOutcome.NotFound();

            created = !exists;
            entry = new LogEntry(log.LastIndex + 1, command.Key, command.Value);
            log.Append(entry);
            state.Apply(entry);
        }

        // Followers are sent only durable entries, so a leader crash can never leave them ahead of its log.
        await log.WaitDurableAsync(entry.Index, cancellationToken);
        replication.Notify();

        if (command.Quorum > 0 && !await quorum.WaitAsync(entry.Index, command.Quorum, _timeout, cancellationToken))
            return new WriteOutcome.QuorumTimeout(entry.Index, command.Quorum, quorum.CountAcked(entry.Index));

        return new WriteOutcome.Committed(entry.Index, command.Quorum, quorum.CountAcked(entry.Index), created);
    }
}
