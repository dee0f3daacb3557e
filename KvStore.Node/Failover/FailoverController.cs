using KvStore.Node.Configuration;
using KvStore.Node.Follower;
using KvStore.Node.Leader;
using KvStore.Node.Leader.Quorum;
using KvStore.Node.Storage;
using Microsoft.AspNetCore.Hosting.Server;
using Microsoft.AspNetCore.Hosting.Server.Features;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Failover;

/// <summary>
/// FAILOVER=manual and etcd: this node's role over time. It starts as ROLE says; it leads after a promotion that
/// <see cref="LeadershipRule"/> allows, and follows again once deposed. Invariants: role changes are serialized;
/// a candidate first fences itself and the peers it counts (each durably adopts the new epoch and from then on refuses
/// the old leader, so the old leader can no longer reach its quorum), then decides on the positions they reported
/// after fencing, so no write acknowledged at WRITE_QUORUM can be missing from the log the new epoch starts from.
/// Under FAILOVER=etcd the same promotion also claims the etcd leader key (<see cref="EtcdLeaderKey"/>) between the
/// rule's first check and fencing: only the one candidate whose claim succeeds fences, and its term lasts only while
/// its lease is valid.
/// </summary>
public sealed partial class FailoverController(
    IServiceProvider services,
    NodeRoles roles,
    EpochStore epochs,
    IReplicationLog log,
    ReplicaApplier applier,
    LeaderLocation leaderLocation,
    FollowerDirectory peers,
    PeerClient peerClient,
    IServer server,
    IOptions<NodeOptions> options,
    ILogger<FailoverController> logger,
    EtcdLeaderKey? leaderKey = null) : IHostedService, IDisposable
{
    private static readonly TimeSpan GatherGrace = TimeSpan.FromMilliseconds(100);
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly NodeOptions _options = options.Value;

    public async Task StartAsync(CancellationToken cancellationToken)
    {
        // Under etcd ROLE=leader only campaigns first (EtcdCampaign): leading needs the key.
        if (_options.ParsedRole == NodeRole.Leader && leaderKey is null)
            await BecomeLeaderAsync(beginEpoch: null, cancellationToken);
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        if (roles.Current.Replication is { } replication)
            await replication.DisposeAsync();
    }

    public LogPosition Position()
    {
        var last = log.DurableIndex;
        return new LogPosition(EpochHistory.EpochAt(epochs.History, last), last);
    }

    public PositionResponse Describe() => new(_options.EffectiveName,
        roles.Current.Role == NodeRole.Leader ? "leader" : "follower", epochs.Current, Position().LastEpoch, Position().LastIndex,
        roles.Current.Term?.Deposed ?? false, Environment.ProcessId);

    /// <summary>POST /admin/fence: adopt <paramref name="epoch"/> durably; a leader is deposed by it.</summary>
    public async Task<FenceResponse> FenceAsync(long epoch, CancellationToken cancellationToken)
    {
        if (roles.Current.Term is { } term)
        {
            term.Observe(epoch);
            var position = Position();
            return new FenceResponse(_options.EffectiveName, "leader", epochs.Current == epoch, epochs.Current, position.LastEpoch, position.LastIndex);
        }

        var (adopted, fenced) = await applier.FenceAsync(epoch, cancellationToken);
        return new FenceResponse(_options.EffectiveName, "follower", adopted, epochs.Current, fenced.LastEpoch, fenced.LastIndex);
    }

    /// <summary>POST /admin/promote: null and the response when this node now leads; else the refusal's code and detail.</summary>
    public async Task<(PromoteResponse? Promoted, string? Code, string Detail)> PromoteAsync(CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken);
        try
        {
            if (roles.Current.Role == NodeRole.Leader)
                return (null, FailoverCodes.AlreadyLeader, $"{_options.EffectiveName} already leads epoch {epochs.Current}.");

            // First without changing anything: a promotion the rule refuses leaves every node as it was.
            var required = LeadershipRule.Required(peers.Endpoints.Count, _options.WriteQuorum) - 1;
            var answers = await GatherAsync(peers.Endpoints.Select(p => peerClient.PositionAsync(p.Url, cancellationToken)).ToArray(),
                a => a.Role == "follower", required);
            if (answers.FirstOrDefault(a => a is { Role: "leader", Deposed: false }) is { } live)
                return (null, FailoverCodes.LeaderAlive, $"{live.Node} leads epoch {live.Epoch} and is reachable; POST /admin/step-down on it instead.");
            var decision = Decide(Position(), answers.Where(a => a is { Role: "follower" }).Select(a => (a!.Node, a.LastEpoch, a.LastIndex)));
            if (!decision.MayLead)
                return (null, decision.Code, Explain(decision));

            // Epoch 1 is that of a log begun before any election (a ROLE=leader start); an election starts a newer one.
            var epoch = Math.Max(epochs.Current, epochs.History[^1].Epoch) + 1;
            if (leaderKey is not null && await leaderKey.ClaimAsync(epoch, SelfUrl().Url, cancellationToken) is { } holder)
                return (null, FailoverCodes.LeaderElected, $"{holder.Value.Node} holds the etcd leader key for epoch {holder.Value.Epoch}.");
            try
            {
                // Fence: this node, then its peers. Each adopts the epoch durably before it reports where its log ends.
                var (_, self) = await applier.FenceAsync(epoch, cancellationToken);
                var fenced = await GatherAsync(peers.Endpoints.Select(p => peerClient.FenceAsync(p.Url, epoch, CancellationToken.None)).ToArray(),
                    f => f is { Role: "follower", Adopted: true }, required);
                decision = Decide(self, fenced.Where(f => f is { Role: "follower", Adopted: true }).Select(f => (f!.Node, f.LastEpoch, f.LastIndex)));
                if (!decision.MayLead)
                {
                    if (leaderKey is not null)
                        await leaderKey.ReleaseAsync();
                    return (null, decision.Code, Explain(decision) + $" (after fencing: epoch {epoch} is adopted and has no leader yet)");
                }

                await log.WaitDurableAsync(log.LastIndex, cancellationToken);
                // A node that never followed anyone has no history yet (nothing in its log): the first election starts one.
                if (log.LogId == Guid.Empty)
                    await applier.FollowHistoryAsync(Guid.NewGuid(), cancellationToken);
                await BecomeLeaderAsync(epoch, cancellationToken);
            }
            catch when (leaderKey is not null)
            {
                await leaderKey.ReleaseAsync();
                throw;
            }

            LogPromoted(logger, epoch, log.LastIndex + 1, decision.Known);
            return (new PromoteResponse(_options.EffectiveName, epoch, log.LastIndex, decision.Known, decision.Required), null, "");
        }
        finally
        {
            _gate.Release();
        }
    }

    /// <summary>POST /admin/step-down: pause writes, wait for a follower to have everything, promote it.</summary>
    public async Task<(StepDownResponse? Done, string? Code, string Detail)> StepDownAsync(CancellationToken cancellationToken)
    {
        if (roles.Current is not { Term: { } term, Replication: { } replication })
            return (null, Api.ErrorCodes.NotLeader, $"{_options.EffectiveName} does not lead.");

        term.PauseWrites(true);
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            var last = log.LastIndex;
            if (replication.Statuses().Where(s => s.AckedIndex >= last && s.State == "healthy").MaxBy(s => s.AckedIndex) is { } target)
            {
                // Under etcd the key is given up first (its watchers campaign; the caught-up target is asked at once), and
                // this term ends with it whatever the target answers: the election goes on without this node's lease.
                if (leaderKey is not null)
                    await leaderKey.ReleaseAsync(holdOff: leaderKey.Ttl * 3);
                if (await peerClient.PromoteAsync(new Uri(target.Url), cancellationToken) is { } promoted)
                    return (new StepDownResponse(_options.EffectiveName, target.AdvertisedUrl ?? target.Url, promoted.Epoch), null, "");
                if (leaderKey is not null)
                    return await ElectedAfterStepDownAsync(cancellationToken);
                break;
            }

            await Task.Delay(50, cancellationToken);
        }

        term.PauseWrites(false);
        return (null, FailoverCodes.NoSuccessor, "No follower caught up and took over within 5 s; this node still leads.");
    }

    /// <summary>Under etcd, after handing over: whoever won the election meanwhile (up to 5 s), else no_successor.</summary>
    private async Task<(StepDownResponse?, string?, string)> ElectedAfterStepDownAsync(CancellationToken cancellationToken)
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (DateTime.UtcNow < deadline)
        {
            if (await leaderKey!.ReadAsync(cancellationToken) is { Value.Node: var node } holder && node != _options.EffectiveName)
                return (new StepDownResponse(_options.EffectiveName, holder.Value.Url ?? node, holder.Value.Epoch), null, "");
            await Task.Delay(100, cancellationToken);
        }

        return (null, FailoverCodes.NoSuccessor, "The etcd leader key was released but no follower was elected within 5 s; this node no longer leads.");
    }

    /// <summary>
    /// The peers' answers: all of them, or, once <paramref name="enough"/> of them count, those in within a short grace
    /// after; calls still out go on by themselves. Safe because the rule needs any <paramref name="enough"/> followers
    /// (any N − W + 1 include one with every acknowledged write; fencing that many leaves the old leader W − 1 at
    /// most), not all; without it a frozen (SIGSTOP) peer would cost every election its whole call timeout, twice.
    /// </summary>
    private static async Task<T?[]> GatherAsync<T>(Task<T?>[] calls, Func<T, bool> counts, int enough) where T : class
    {
        var all = Task.WhenAll(calls);
        while (!all.IsCompleted && calls.Count(c => c.IsCompletedSuccessfully && c.Result is { } r && counts(r)) < enough)
        {
            var pending = calls.Where(c => !c.IsCompleted).ToList();
            if (pending.Count == 0)
                break;
            await Task.WhenAny(pending);
        }
        if (!all.IsCompleted)
            await Task.WhenAny(all, Task.Delay(GatherGrace));
        return calls.Select(c => c.IsCompletedSuccessfully ? c.Result : null).ToArray();
    }

    private LeadershipDecision Decide(LogPosition self, IEnumerable<(string Node, long LastEpoch, long LastIndex)> followers) =>
        LeadershipRule.Decide(peers.Endpoints.Count, _options.WriteQuorum, self,
            followers.Select(f => new PeerPosition(f.Node, new LogPosition(f.LastEpoch, f.LastIndex))));

    private static string Explain(LeadershipDecision d) => d.Code == LeadershipDecision.TooFewPeers
        ? $"Heard from {d.Known} followers (this one included); {d.Required} are needed to be sure one has every write acknowledged at WRITE_QUORUM."
        : $"{d.MostAdvanced} has entries this node lacks; promote {d.MostAdvanced} instead.";

    private async Task BecomeLeaderAsync(long? beginEpoch, CancellationToken cancellationToken)
    {
        if (beginEpoch is { } epoch)
            epochs.Begin(epoch, log.LastIndex + 1);
        var term = ActivatorUtilities.CreateInstance<LeaderTerm>(services);
        if (leaderKey?.Lease is { } lease)
            term.HoldWhile(lease);
        var quorum = new QuorumTracker(peers.Endpoints.Count);
        var self = SelfUrl();
        var replication = ActivatorUtilities.CreateInstance<ReplicationCoordinator>(services, quorum, term, self);
        var writer = ActivatorUtilities.CreateInstance<LeaderWriter>(services, quorum, replication, term);
        await replication.StartAsync(cancellationToken);
        roles.Set(new RoleParts(NodeRole.Leader, writer, replication, term, null));
        term.DeposedToken.Register(() => _ = Task.Run(() => BecomeFollowerAsync(term)));
    }

    private SelfUrl SelfUrl() => new(string.IsNullOrWhiteSpace(_options.AdvertisedUrl)
        ? server.Features.Get<IServerAddressesFeature>()?.Addresses.FirstOrDefault()
            ?? services.GetRequiredService<IConfiguration>()["urls"]?.Split(';')[0]
        : _options.AdvertisedUrl.Trim().TrimEnd('/'));

    private async Task BecomeFollowerAsync(LeaderTerm term)
    {
        await _gate.WaitAsync();
        try
        {
            if (roles.Current.Term != term)
                return;
            var replication = roles.Current.Replication;
            leaderLocation.Advertised(null);
            roles.Set(new RoleParts(NodeRole.Follower, null, null, null, applier));
            LogFollowing(logger, term.Epoch, epochs.Current);
            if (replication is not null)
                await replication.DisposeAsync();
            term.Dispose();
        }
        finally
        {
            _gate.Release();
        }
    }

    public void Dispose() => _gate.Dispose();

    [LoggerMessage(EventId = 52, Level = LogLevel.Warning, Message = "Promoted: leading epoch {Epoch} from index {Start}, having heard from {Heard} followers")]
    private static partial void LogPromoted(ILogger logger, long epoch, long start, int heard);

    [LoggerMessage(EventId = 53, Level = LogLevel.Warning, Message = "No longer leading epoch {Epoch} (epoch {Current} is known); following")]
    private static partial void LogFollowing(ILogger logger, long epoch, long current);
}

/// <summary>The stable codes of failover refusals (problem+json <c>code</c>).</summary>
public static class FailoverCodes
{
    public const string AlreadyLeader = "already_leader";
    public const string LeaderAlive = "leader_alive";
    public const string NoSuccessor = "no_successor";
    public const string FailoverOff = "failover_off";
    public const string LeaderElected = "leader_elected";
}
