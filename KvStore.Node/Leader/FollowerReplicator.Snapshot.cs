using KvStore.Node.Replication;

namespace KvStore.Node.Leader;

/// <summary>Catching up, by snapshot, a follower that needs entries the leader no longer holds.</summary>
internal sealed partial class FollowerReplicator
{
    private async Task InstallSnapshotAsync(CancellationToken cancellationToken)
    {
        // The snapshot may include entries applied but not yet durable here; it must not leave before they are.
        var snapshot = _state.Snapshot();
        await _log.WaitDurableAsync(snapshot.AppliedIndex, cancellationToken);
        LogSendingSnapshot(_logger, Name, snapshot.AppliedIndex, snapshot.Items.Length);

        var ack = await _snapshots.ExecuteAsync(
            static (state, token) => new ValueTask<ReplicateResponse>(state.self._client.SendSnapshotAsync(state.self._log.LogId, state.snapshot, token)),
            (self: this, snapshot), cancellationToken);
        if (!string.IsNullOrEmpty(ack.Node))
            _reportedName = ack.Node;
        OnAcknowledged(ack.AppliedIndex, replicaLostState: true);
    }
}
