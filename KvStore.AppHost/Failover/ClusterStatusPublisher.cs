using System.Collections.Immutable;
using System.Globalization;
using Microsoft.Extensions.Hosting;

namespace KvStore.AppHost.Failover;

/// <summary>
/// Shows on the dashboard who leads: every second it asks each running node for its <c>GET /cluster</c> and publishes
/// three properties on that node's resource: <c>kv.role</c> (leader, follower, or "not answering"), <c>kv.epoch</c>
/// (the newest epoch the node knows) and <c>kv.leader</c> (the leader it knows of, by resource name). The Promote and
/// Step down commands read <c>kv.role</c> to be enabled only where they apply. A property is published only when it
/// changed, so an idle cluster sends the dashboard nothing.
/// </summary>
internal sealed class ClusterStatusPublisher(ClusterProbe probe, ResourceNotificationService notifications) : BackgroundService
{
    public const string RoleProperty = "kv.role";
    public const string EpochProperty = "kv.epoch";
    public const string LeaderProperty = "kv.leader";
    public const string NotAnswering = "not answering";
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    private readonly SemaphoreSlim _poke = new(0, 1);
    // DCP's state of each node (Running, Exited, ...), by resource name, from the notification stream.
    private readonly System.Collections.Concurrent.ConcurrentDictionary<string, string> _states = new(StringComparer.Ordinal);
    private readonly Dictionary<string, (string Role, string Epoch, string Leader)> _published = new(StringComparer.Ordinal);

    /// <summary>Polls now rather than at the next tick: after a command has moved leadership.</summary>
    public void Poke()
    {
        try
        {
            _poke.Release();
        }
        catch (SemaphoreFullException)
        {
            // A poll is already due.
        }
    }

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        var watching = WatchStatesAsync(stoppingToken);
        await PollAsync(stoppingToken);
        await watching;
    }

    private async Task WatchStatesAsync(CancellationToken stoppingToken)
    {
        try
        {
            await foreach (var update in notifications.WatchAsync(stoppingToken))
            {
                if (probe.Nodes.Contains(update.Resource) && update.Snapshot.State?.Text is { } state)
                    _states[update.Resource.Name] = state;
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }
    }

    private async Task PollAsync(CancellationToken stoppingToken)
    {
        while (!stoppingToken.IsCancellationRequested)
        {
            try
            {
                await PublishOnceAsync(stoppingToken);
                await _poke.WaitAsync(Interval, stoppingToken);
            }
            catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
            {
                return;
            }
        }
    }

    private async Task PublishOnceAsync(CancellationToken cancellationToken)
    {
        // Only nodes DCP runs: a snapshot published before the resource exists would race DCP's first one.
        var running = probe.Nodes.Where(n => _states.TryGetValue(n.Name, out var state) && state == KnownResourceStates.Running).ToList();
        var observed = await probe.ObserveAsync(running.Contains, cancellationToken);
        // A node that stopped after it was shown is shown as not answering, not as the role it last had.
        foreach (var node in observed.Where(o => running.Any(r => r.Name == o.Name) || _published.ContainsKey(o.Name)))
        {
            var values = node.View is { } view
                ? (view.Role ?? "", view.Epoch.ToString(CultureInfo.InvariantCulture), CurrentLeader.LeaderSeenBy(observed, node) ?? "none (election)")
                : (NotAnswering, "", "");
            if (_published.TryGetValue(node.Name, out var last) && last == values)
                continue;
            _published[node.Name] = values;
            var resource = probe.Nodes.Single(r => r.Name == node.Name);
            await notifications.PublishUpdateAsync(resource, snapshot => snapshot with
            {
                Properties = With(snapshot.Properties, [
                    new(RoleProperty, values.Item1) { DisplayName = "Role", IsHighlighted = true },
                    new(EpochProperty, values.Item2) { DisplayName = "Epoch", IsHighlighted = true },
                    new(LeaderProperty, values.Item3) { DisplayName = "Leader", IsHighlighted = true },
                ]),
            });
        }
    }

    private static ImmutableArray<ResourcePropertySnapshot> With(ImmutableArray<ResourcePropertySnapshot> properties, ResourcePropertySnapshot[] set) =>
        [.. properties.Where(p => !set.Any(s => s.Name == p.Name)), .. set];
}
