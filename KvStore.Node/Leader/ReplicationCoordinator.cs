using KvStore.Node.Configuration;
using KvStore.Node.Leader.Quorum;
using KvStore.Node.SimulatedLag;
using KvStore.Node.Storage;
using KvStore.Node.Telemetry;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Leader;

/// <summary>Owns one <see cref="FollowerReplicator"/> per follower for the leader's lifetime.</summary>
public sealed class ReplicationCoordinator : IHostedService, IAsyncDisposable
{
    private readonly FollowerReplicator[] _replicators;
    private readonly FollowerClient[] _clients;
    private readonly IReplicationLog _log;
    private readonly QuorumTracker _quorum;

    public ReplicationCoordinator(
        IOptions<NodeOptions> options,
        FollowerDirectory followers,
        IReplicationLog log,
        KeyValueState state,
        QuorumTracker quorum,
        Failover.LeaderTerm term,
        ISimulatedLag lag,
        NodeMetrics metrics,
        TimeProvider time,
        ILoggerFactory loggers,
        Failover.SelfUrl? self = null)
    {
        _log = log;
        var o = options.Value;
        var logger = loggers.CreateLogger<ReplicationCoordinator>();
        MinDelay = o.MinDelay;
        MaxDelay = o.MaxDelay;
        var settings = new ReplicationSettings(o.ReplicationBatch, o.ReplicationPipeline);
        // Under FAILOVER=manual the followers learn who leads from this: where they send writers.
        var advertisedUrl = self?.Url?.TrimEnd('/') ?? (string.IsNullOrWhiteSpace(o.AdvertisedUrl) ? null : o.AdvertisedUrl.Trim().TrimEnd('/'));
        _clients = followers.Endpoints
            .Select((endpoint, slot) => new FollowerClient(endpoint, slot, o.ReplicationToken!, lag, advertisedUrl, o.EffectiveName) { Term = term })
            .ToArray();
        _replicators = followers.Endpoints
            .Select((endpoint, slot) => new FollowerReplicator(
                slot, endpoint, _clients[slot], settings, log, state, quorum, lag, metrics, time, logger))
            .ToArray();
        metrics.ObserveLag(() => Statuses().Select(s => (s.Name, s.Lag)));
        _quorum = quorum;
    }

    /// <summary>The simulated lag bounds, seconds: clients plotting latency need the floor they imply.</summary>
    public double MinDelay { get; }

    public double MaxDelay { get; }

    /// <summary>The names of the followers that have applied or hold <paramref name="index"/>.</summary>
    public string[] FollowersHaving(long index) =>
        _replicators.Where((_, slot) => _quorum.Has(slot, index)).Select(r => r.Name).ToArray();

    public IReadOnlyList<FollowerStatus> Statuses()
    {
        var last = _log.LastIndex;
        return _replicators.Select((r, slot) => r.Status(last) with { AdvertisedUrl = _clients[slot].FollowerAdvertisedUrl }).ToArray();
    }

    public Task StartAsync(CancellationToken cancellationToken)
    {
        foreach (var replicator in _replicators)
            replicator.Start();
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken) => await DisposeAsync();

    public async ValueTask DisposeAsync()
    {
        foreach (var replicator in _replicators)
            await replicator.DisposeAsync();
    }
}
