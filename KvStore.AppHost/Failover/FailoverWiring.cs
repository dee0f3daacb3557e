using KvStore.AppHost.Commands;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Failover;

/// <summary>
/// How the nodes find each other and who may lead. <see cref="FailoverMode.Off"/>: as the published model, the leader
/// has FOLLOWERS and the followers LEADER. Manual and etcd: every node has PEERS (the other five, by service name),
/// the replication settings (any node may lead), the Promote and Step down commands, and under etcd ETCD_ENDPOINTS,
/// ETCD_CLUSTER and a wait for the <c>etcd</c> resource (an executable when run, a container when published). ROLE stays as Program.cs sets it: <c>leader</c> campaigns
/// at once, the followers two lease TTLs after they start; on a cold start of six nodes on two cores that does not
/// make <c>leader</c> sure to win (its first campaigns can be refused while its peers are still starting).
/// </summary>
public sealed partial class KvFailover
{
    /// <summary>Names the nodes' leader key when run, /kvstore/apphost/leader.</summary>
    public const string EtcdCluster = "apphost";

    /// <summary>Names it in a published deployment, which has an etcd of its own: /kvstore/deployment/leader.</summary>
    public const string PublishedEtcdCluster = "deployment";

    private readonly IDistributedApplicationBuilder _builder;

    private KvFailover(IDistributedApplicationBuilder builder, FailoverChoice choice, IResourceBuilder<IResourceWithEndpoints>? etcd)
    {
        _builder = builder;
        Choice = choice;
        Etcd = etcd;
    }

    public FailoverChoice Choice { get; }

    /// <summary>The etcd resource under <see cref="FailoverMode.Etcd"/>: an executable when run, a container when published.</summary>
    public IResourceBuilder<IResourceWithEndpoints>? Etcd { get; }

    /// <summary>
    /// Chooses the mode and, under etcd, adds the <c>etcd</c> resource. When run, <see cref="FailoverChoice.Decide"/>
    /// (etcd if installed, else manual) and etcd as an executable. Published, <see cref="FailoverChoice.Published"/>
    /// (etcd unless off or manual is asked for) and etcd as a container of the deployment's own, so the published files
    /// do not depend on what the publishing machine has installed.
    /// </summary>
    public static KvFailover Add(IDistributedApplicationBuilder builder)
    {
        var configured = builder.Configuration["KvStore:Failover"];
        var published = builder.ExecutionContext.IsPublishMode;
        var choice = published
            ? FailoverChoice.Published(configured)
            : FailoverChoice.Decide(configured, builder.Configuration["KvStore:Etcd"], Environment.GetEnvironmentVariable("PATH"), File.Exists);

        var etcdUrl = builder.ClientUrl();
        IResourceBuilder<IResourceWithEndpoints>? etcd = choice.Mode != FailoverMode.Etcd ? null
            : published ? builder.AddEtcdContainer("etcd")
            : builder.AddEtcd("etcd", choice.EtcdBinary!);
        if (builder.ExecutionContext.IsRunMode)
        {
            builder.Eventing.Subscribe<BeforeStartEvent>((e, _) =>
            {
                var logger = e.Services.GetRequiredService<ILoggerFactory>().CreateLogger<KvFailover>();
                if (choice.Mode == FailoverMode.Etcd)
                    UsingEtcd(logger, choice.EtcdBinary!, etcdUrl);
                else if (choice.Mode == FailoverMode.Manual && string.IsNullOrWhiteSpace(configured))
                    NoEtcd(logger, FailoverChoice.EnableHint);
                return Task.CompletedTask;
            });
        }

        return new KvFailover(builder, choice, etcd);
    }

    /// <summary>Wires the six nodes for the chosen mode, and (when run) the dashboard's leader and epoch properties.</summary>
    public void Connect(IResourceBuilder<ProjectResource> leader, IReadOnlyList<IResourceBuilder<ProjectResource>> followers, NodeSettings settings)
    {
        IResourceBuilder<ProjectResource>[] nodes = [leader, .. followers];
        if (_builder.ExecutionContext.IsRunMode)
            _builder.Services.AddSingleton(new ClusterProbe([.. nodes.Select(n => n.Resource)]));

        if (Choice.Mode == FailoverMode.Off)
        {
            foreach (var follower in followers)
                follower.WithEnvironment("LEADER", leader.Resource.Name).WithReference(leader);
            leader.WithEnvironment("FOLLOWERS", string.Join(',', followers.Select(f => f.Resource.Name)));
            foreach (var follower in followers)
                leader.WithReference(follower);
            return;
        }

        foreach (var node in nodes)
        {
            var peers = nodes.Where(n => n != node).ToList();
            node.WithEnvironment("FAILOVER", Choice.Mode == FailoverMode.Etcd ? "etcd" : "manual")
                .WithEnvironment("PEERS", string.Join(',', peers.Select(p => p.Resource.Name)))
                .WithFailoverCommands(settings.ReplicationToken);
            if (node != leader)
            {
                node.WithEnvironment("WRITE_QUORUM", settings.WriteQuorum)
                    .WithEnvironment("MIN_DELAY", settings.MinDelay)
                    .WithEnvironment("MAX_DELAY", settings.MaxDelay)
                    .WithEnvironment("REPLICATION_TIMEOUT", settings.ReplicationTimeout);
            }

            foreach (var peer in peers)
                node.WithReference(peer);
            if (Etcd is not null && _builder.ExecutionContext.IsPublishMode)
            {
                // By service name on the deployment's network (http://etcd:2379 in Compose).
                node.WithEnvironment("ETCD_ENDPOINTS", Etcd.GetEndpoint("http"))
                    .WithEnvironment("ETCD_CLUSTER", PublishedEtcdCluster)
                    .WaitFor(Etcd);
            }
            else if (Etcd is not null)
            {
                node.WithEnvironment("ETCD_ENDPOINTS", _builder.ClientUrl())
                    .WithEnvironment("ETCD_CLUSTER", EtcdCluster)
                    .WaitFor(Etcd);
            }
        }

        if (_builder.ExecutionContext.IsRunMode)
        {
            _builder.Services.AddSingleton<ClusterStatusPublisher>();
            _builder.Services.AddHostedService(sp => sp.GetRequiredService<ClusterStatusPublisher>());
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Warning,
        Message = "Automatic failover is off: etcd was not found, so the nodes run FAILOVER=manual (use the Promote and Step down commands). To fail over automatically, {Hint}.")]
    private static partial void NoEtcd(ILogger logger, string hint);

    [LoggerMessage(EventId = 2, Level = LogLevel.Information, Message = "Automatic failover: the nodes elect their leader through etcd ({Binary}) at {Url}.")]
    private static partial void UsingEtcd(ILogger logger, string binary, string url);
}

public static class KvFailoverExtensions
{
    /// <summary>See <see cref="KvFailover.Add"/>.</summary>
    public static KvFailover AddFailover(this IDistributedApplicationBuilder builder) => KvFailover.Add(builder);
}
