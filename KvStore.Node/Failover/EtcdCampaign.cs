using System.Diagnostics;
using Grpc.Core;
using KvStore.Node.Configuration;
using Microsoft.Extensions.Options;
using OpenTelemetry;

namespace KvStore.Node.Failover;

/// <summary>
/// FAILOVER=etcd: the election loop, Patroni's on etcd. While this node leads it watches its lease and its term: a
/// lease that lapses ends the term (<see cref="LeaderTerm.Resign"/>, so it follows), a term deposed by a newer epoch
/// gives the lease up. While it follows it watches the leader key; when the key is absent it campaigns through
/// <see cref="FailoverController.PromoteAsync"/>, the same path as POST /admin/promote: the rule, the claim, fencing.
/// A candidate the rule refuses (too few peers heard from, one ahead of it) tries again shortly, so the cluster waits
/// with no leader (writes answer 503 no_leader) rather than elect one that may lack acknowledged writes.
/// ROLE=leader is a hint for a cold start: that node campaigns at once, the others give it two TTLs first (it still
/// needs the rule's followers, so any node may win). A node that comes back with a log or an epoch of its own campaigns at
/// once whatever its ROLE: it may be the most advanced node (a killed leader's tail is on no other), and then every other
/// candidate declines in its favour, so a start delay would be the cluster's whole time without a leader.
/// </summary>
public sealed partial class EtcdCampaign(
    FailoverController controller,
    NodeRoles roles,
    EtcdLeaderKey leaderKey,
    Follower.LeaderLocation leaderLocation,
    Storage.IReplicationLog log,
    EpochStore epochs,
    IOptions<NodeOptions> options,
    ILogger<EtcdCampaign> logger) : BackgroundService
{
    private static readonly TimeSpan WatchAtMost = TimeSpan.FromSeconds(2);
    private readonly NodeOptions _options = options.Value;
    private string? _lastRefusal;

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (log.LastIndex > 0 || epochs.Current > 0)
            LogRestarted(logger, epochs.Current, log.LastIndex);
        else if (_options.ParsedRole != NodeRole.Leader)
            await Task.Delay(leaderKey.Ttl * 2, stoppingToken);
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                if (roles.Current is { Role: NodeRole.Leader, Term: { } term })
                    await LeadAsync(term, stoppingToken);
                else
                    await FollowAsync(stoppingToken);
            }
            catch (Exception e) when (e is RpcException or HttpRequestException or IOException && !stoppingToken.IsCancellationRequested)
            {
                LogEtcdUnavailable(logger, e.Message);
                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
            catch (Exception e) when (e is not OperationCanceledException || !stoppingToken.IsCancellationRequested)
            {
                // The loop must outlive any one failed round: a node that stopped campaigning would never lead again.
                LogRoundFailed(logger, e);
                await Task.Delay(TimeSpan.FromMilliseconds(250), stoppingToken);
            }
        }
    }

    private async Task LeadAsync(LeaderTerm term, CancellationToken stoppingToken)
    {
        // Checked often: the lease's deadline is a clock, not an event; the term already refuses writes past it.
        while (!term.DeposedToken.IsCancellationRequested && leaderKey.Lease is { Valid: true })
            await Task.Delay(leaderKey.Ttl / 20, stoppingToken);

        if (!term.DeposedToken.IsCancellationRequested)
        {
            if (leaderKey.Released)
                LogReleased(logger, term.Epoch);
            else
                LogLeaseLost(logger, term.Epoch, (long)(leaderKey.Ttl * 3 / 4).TotalMilliseconds);
            term.Resign();
        }

        await leaderKey.ReleaseAsync();
        while (roles.Current.Term == term)
            await Task.Delay(10, stoppingToken);
    }

    private async Task FollowAsync(CancellationToken stoppingToken)
    {
        if (await ReadUntracedAsync(stoppingToken) is { } holder)
        {
            // A key of this node's own that it no longer renews (an earlier life, or a claim it dropped): give it up.
            if (holder.Value.Node == _options.EffectiveName && holder.Lease != leaderKey.LeaseId)
            {
                await leaderKey.DeleteIfUnchangedAsync(holder, stoppingToken);
                return;
            }

            // Followers name the key's holder to clients (GET /cluster, 421); with no key they answer 503 no_leader.
            if (roles.Current.Role == NodeRole.Follower)
                leaderLocation.Advertised(holder.Value.Url, holder.Value.Node);
            using (SuppressInstrumentationScope.Begin())
                await leaderKey.WaitForChangeAsync(holder.ModRevision, WatchAtMost, stoppingToken);
            return;
        }

        if (roles.Current.Role == NodeRole.Follower)
            leaderLocation.Advertised(null);
        if (Stopwatch.GetTimestamp() < leaderKey.CampaignNotBefore)
        {
            // Just stepped down: another node is to take over; watch instead of campaigning.
            await Task.Delay(TimeSpan.FromMilliseconds(100), stoppingToken);
            return;
        }

        var (promoted, code, detail) = await controller.PromoteAsync(stoppingToken);
        if (promoted is not null)
        {
            _lastRefusal = null;
            LogElected(logger, promoted.Epoch, leaderKey.KeyName);
            return;
        }

        if (code != _lastRefusal)
            LogRefused(logger, code ?? "", detail);
        _lastRefusal = code;
        await Task.Delay(TimeSpan.FromMilliseconds(100 + Random.Shared.Next(200)), stoppingToken);
    }

    /// <summary>
    /// The leader key, read without tracing, like the watch after it: every follower does both every
    /// <see cref="WatchAtMost"/> for as long as a leader holds the key, and as traces (each call a root span of its own)
    /// they would fill the dashboard, whose trace limit then evicts the traces of writes. A campaign stays traced.
    /// </summary>
    private async Task<LeaderKeyHolder?> ReadUntracedAsync(CancellationToken stoppingToken)
    {
        using (SuppressInstrumentationScope.Begin())
            return await leaderKey.ReadAsync(stoppingToken);
    }

    [LoggerMessage(EventId = 54, Level = LogLevel.Warning, Message = "Leadership of epoch {Epoch} not proven: the etcd lease was not renewed within {GuardMs} ms; stepping down")]
    private static partial void LogLeaseLost(ILogger logger, long epoch, long guardMs);

    [LoggerMessage(EventId = 61, Level = LogLevel.Warning, Message = "Stepped down from epoch {Epoch}: the etcd leader key was released")]
    private static partial void LogReleased(ILogger logger, long epoch);

    [LoggerMessage(EventId = 55, Level = LogLevel.Warning, Message = "Elected: leading epoch {Epoch}, holding {Key}")]
    private static partial void LogElected(ILogger logger, long epoch, string key);

    [LoggerMessage(EventId = 56, Level = LogLevel.Information, Message = "Not campaigning for the etcd leader key: {Code}: {Detail}")]
    private static partial void LogRefused(ILogger logger, string code, string detail);

    [LoggerMessage(EventId = 60, Level = LogLevel.Error, Message = "An election round failed; the next one starts shortly")]
    private static partial void LogRoundFailed(ILogger logger, Exception exception);

    [LoggerMessage(EventId = 62, Level = LogLevel.Information, Message = "Campaigning at once: this node is back with epoch {Epoch} and a log up to index {Index}")]
    private static partial void LogRestarted(ILogger logger, long epoch, long index);

    [LoggerMessage(EventId = 59, Level = LogLevel.Warning, Message = "etcd unreachable: {Error}")]
    private static partial void LogEtcdUnavailable(ILogger logger, string error);
}
