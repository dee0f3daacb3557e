using KvStore.Node.Api;
using KvStore.Node.Configuration;
using KvStore.Node.Explorer;
using KvStore.Node.Follower;
using KvStore.Node.Leader;
using KvStore.Node.Leader.Quorum;
using KvStore.Node.SimulatedLag;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;
using KvStore.Node.Telemetry;
using KvStore.Node.Threading;
using Microsoft.Extensions.Options;
using Microsoft.Extensions.ServiceDiscovery;

namespace KvStore.Node;

public static class KvNodeExtensions
{
    /// <summary>Registers a node's services; its role (ROLE) decides whether it gets the leader's or the follower's parts.</summary>
    public static WebApplicationBuilder AddKvNode(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NodeOptions>().BindConfiguration("").ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, KvJsonContext.Default));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("code", Problems.CodeForStatus(status));
        });

        services.TryAddSingletonTimeProvider();
        services.AddSingleton<KeyValueState>();
        services.AddSingleton<NodeMetrics>();
        services.AddSingleton(sp => new Failover.EpochStore(sp.GetRequiredService<IOptions<NodeOptions>>().Value.DataDir));
        services.AddSingleton(sp => new ReplicationSecret(sp.GetRequiredService<IOptions<NodeOptions>>().Value.ReplicationToken ?? ""));

        var role = builder.Configuration["ROLE"];
        var isLeader = string.Equals(role, "leader", StringComparison.OrdinalIgnoreCase);
        var failover = builder.Configuration["FAILOVER"]?.Trim().ToLowerInvariant();
        var manual = failover is "manual" or "etcd";
        services.AddSingleton(sp => CreateLog(sp, isLeader, manual));
        services.AddHostedService<LogCompactor>();
        if (failover == "etcd")
        {
            // The leader key in etcd decides who leads; promotion and fencing are FAILOVER=manual's (registered below).
            services.AddSingleton<Failover.EtcdLeaderKey>();
            services.AddHostedService<Failover.EtcdCampaign>();
        }

        if (manual)
        {
            // Every node may lead: the leader's parts are built at each promotion (FailoverController), the follower's once.
            services.AddSingleton<FollowerDirectory>();
            services.AddSingleton<ISimulatedLag, UniformLag>();
            services.AddSingleton<ReplicaApplier>();
            services.AddSingleton<LeaderLocation>();
            services.AddSingleton<Failover.PeerClient>();
            services.AddSingleton(sp => new Failover.NodeRoles(
                new Failover.RoleParts(NodeRole.Follower, null, null, null, sp.GetRequiredService<ReplicaApplier>())));
            services.AddSingleton<Failover.FailoverController>();
            services.AddHostedService(sp => sp.GetRequiredService<Failover.FailoverController>());
        }
        else if (isLeader)
        {
            services.AddSingleton<FollowerDirectory>();
            services.AddSingleton(sp => new QuorumTracker(sp.GetRequiredService<FollowerDirectory>().Endpoints.Count));
            services.AddSingleton<ISimulatedLag, UniformLag>();
            services.AddSingleton<Failover.LeaderTerm>();
            services.AddSingleton<ReplicationCoordinator>();
            services.AddHostedService(sp => sp.GetRequiredService<ReplicationCoordinator>());
            services.AddSingleton<LeaderWriter>();
            services.AddSingleton(sp => new Failover.NodeRoles(new Failover.RoleParts(NodeRole.Leader, sp.GetRequiredService<LeaderWriter>(),
                sp.GetRequiredService<ReplicationCoordinator>(), sp.GetRequiredService<Failover.LeaderTerm>(), null)));
        }
        else
        {
            services.AddSingleton<ReplicaApplier>();
            services.AddSingleton<LeaderLocation>();
            services.AddSingleton(sp => new Failover.NodeRoles(
                new Failover.RoleParts(NodeRole.Follower, null, null, null, sp.GetRequiredService<ReplicaApplier>())));
        }

        services.AddSingleton(CreateContext);
        services.AddExplorer();
        UseRoleDefaultPort(builder, role);

        // Requests and replication frames are handled on the socket thread that read them, not handed to the thread
        // pool: no handler here blocks, and on two shared cores the hop cost more than the work (measured: one client's
        // quorum-3 write p50 0.27-0.30 ms -> 0.18-0.23 ms). Kestrel's peek before each read (a one-byte MSG_PEEK, so
        // that idle connections hold no buffer) is off: every connection here is busy, and with lag on each follower
        // reads one frame per write (measured: 4.0 -> 3.7 syscalls per frame on a follower, node CPU per write
        // 234 -> 213 µs averaged over four alternating rounds at 10 clients).
        builder.WebHost.UseSockets(o =>
        {
            o.UnsafePreferInlineScheduling = true;
            o.WaitForDataBeforeAllocatingBuffer = false;
        });

        RequestLogging.OffWhenUnused(builder);
        return builder;
    }

    /// <summary>
    /// A node's request pipeline and endpoints, one composition for Program.cs and the in-process test nodes: problem
    /// answers for failures and bare status codes, the client and replication APIs, the web UI, health.
    /// </summary>
    public static WebApplication MapKvNode(this WebApplication app)
    {
        app.UseExceptionHandler();
        app.UseStatusCodePages();
        app.MapClientApi();
        app.MapReplicationApi();
        app.MapAdminApi();
        app.MapExplorerApi();
        app.MapDefaultEndpoints();
        return app;
    }

    /// <summary>
    /// What stops this node from starting, as one line: configuration to fix, a follower service discovery does
    /// not know, or a data directory it cannot trust. Null when it may start. Checked before the host starts (this
    /// also resolves FOLLOWERS and LEADER and recovers DATA_DIR), so the operator sees one line, not a stack trace.
    /// </summary>
    public static async Task<string?> StartupErrorAsync(this WebApplication app, CancellationToken cancellationToken = default)
    {
        try
        {
            var options = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
            var resolver = app.Services.GetRequiredService<ServiceEndpointResolver>();
            if (app.Services.GetService<FollowerDirectory>() is { } followers &&
                await followers.ResolveAsync(cancellationToken) is { Count: > 0 } unresolved)
            {
                return "kvstore: cannot start: " + string.Join("; ", unresolved);
            }

            if (app.Services.GetService<LeaderLocation>() is { } leader)
                await leader.ResolveAsync(options.Leader, resolver, cancellationToken);
            _ = app.Services.GetRequiredService<IReplicationLog>();
            _ = app.Services.GetService<Failover.LeaderTerm>();
            return null;
        }
        catch (OptionsValidationException e)
        {
            return "kvstore: cannot start: " + string.Join("; ", e.Failures);
        }
        catch (Exception e) when (e is WalCorruptionException or IOException or UnauthorizedAccessException)
        {
            return "kvstore: cannot start: DATA_DIR: " + e.Message;
        }
    }

    private static IReplicationLog CreateLog(IServiceProvider sp, bool isLeader, bool manual)
    {
        var o = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
        var logger = sp.GetRequiredService<ILoggerFactory>().CreateLogger("KvStore.Node.Storage");

        // Followers serve no log reads, so they keep none in memory; their durability is the WAL's. Under FAILOVER=manual or etcd
        // any node may become the leader and must then stream its log to the others, so every node keeps LOG_RETAIN.
        var retain = isLeader || manual ? o.LogRetain : 0;
        if (string.IsNullOrWhiteSpace(o.DataDir))
        {
            StorageLog.InMemoryOnly(logger, o.EffectiveName);
            return new InMemoryReplicationLog(retain, isLeader ? Guid.NewGuid() : Guid.Empty);
        }

        var wal = WriteAheadLog.Open(o.DataDir, isLeader ? Guid.NewGuid() : null, sp.GetRequiredService<KeyValueState>(),
            retain, o.SegmentBytes, o.FsyncPolicy, sp.GetRequiredService<TimeProvider>(), logger);
        sp.GetRequiredService<NodeMetrics>().ObserveFsyncs(() => wal.Fsyncs);

        // Recovery reads whole snapshot and segment files; hand those buffers back to the OS before serving.
        GC.Collect(GC.MaxGeneration, GCCollectionMode.Aggressive, blocking: true, compacting: true);
        return wal;
    }

    private static NodeContext CreateContext(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
        return new NodeContext(
            o.EffectiveName,
            sp.GetRequiredService<Failover.NodeRoles>(),
            string.IsNullOrWhiteSpace(o.AdvertisedUrl) ? null : o.AdvertisedUrl.Trim().TrimEnd('/'),
            sp.GetService<LeaderLocation>(),
            sp.GetRequiredService<KeyValueState>(),
            sp.GetRequiredService<NodeMetrics>(),
            o.MaxValueBytes,
            o.ReadWaitTimeoutSpan,
            sp.GetRequiredService<Failover.EpochStore>(),
            o.AnyNodeMayLead,
            o.EtcdFailover);
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
            services.AddSingleton(TimeProvider.System);
    }

    // The reference labs' ports when nothing else says: leader 8000, a follower 8001 (ASPNETCORE_URLS, HTTP_PORTS win).
    private static void UseRoleDefaultPort(WebApplicationBuilder builder, string? role)
    {
        var c = builder.Configuration;
        if (!string.IsNullOrEmpty(c["urls"]) || !string.IsNullOrEmpty(c["http_ports"]) ||
            !string.IsNullOrEmpty(c["https_ports"]) || c.GetSection("Kestrel:Endpoints").Exists())
        {
            return;
        }

        var port = string.Equals(role, "leader", StringComparison.OrdinalIgnoreCase) ? 8000 : 8001;
        builder.WebHost.UseUrls($"http://localhost:{port}");
    }
}
