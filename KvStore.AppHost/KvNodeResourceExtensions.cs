using KvStore.AppHost.Publishing;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.AppHost;

/// <summary>How a KvStore node and the load runner are declared in the app model.</summary>
public static class KvNodeResourceExtensions
{
    /// <summary>The port a node listens on inside its container (<c>deploy/node.Dockerfile</c>); Compose maps the host port to it.</summary>
    public const int ContainerPort = 8080;

    /// <summary>
    /// How often nodes and the load runner export metrics, in place of the 1 s Aspire sets for a dashboard that redraws
    /// at once. Each export is serialized by seven processes and ingested by the dashboard on the same two cores the
    /// writes run on, so at 1 s a large share of the cluster's CPU under load went to metrics; at 5 s the charts still move.
    /// </summary>
    public const string MetricExportIntervalMs = "5000";

    /// <summary>
    /// A node: the one KvStore.Node project in either role. It binds its host port itself (not behind DCP's proxy:
    /// every write crosses that hop twice, once from the client and once per follower), keeps its write-ahead log
    /// where <see cref="DataDirectory"/> says, and links its web UI from the dashboard.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddKvNode(this IDistributedApplicationBuilder builder, string name, int port, NodeSettings settings)
    {
        var node = builder.AddProject<Projects.KvStore_Node>(name, options => options.ExcludeLaunchProfile = true);
        if (builder.ExecutionContext.IsPublishMode)
        {
            // In a container: a fixed port inside, the host port outside, and the data on the container's volume.
            node.WithHttpEndpoint(port: port, targetPort: ContainerPort, name: "http")
                .WithEnvironment("DATA_DIR", NodeDataVolume.MountPath)
                // Clients outside the deployment reach each node on its host port, not by its service name.
                .WithEnvironment("ADVERTISED_URL", "http://localhost:" + port.ToString(System.Globalization.CultureInfo.InvariantCulture))
                .WithAnnotation(new NodeDataVolume($"{name}-data"))
                .WithAnnotation(ComposeImage.Node);
        }
        else
        {
            // KvStore:ProxyEndpoints=true puts DCP's proxy back in front of every node, to measure what it costs.
            node.WithHttpEndpoint(port: port, name: "http", isProxied: string.Equals(builder.Configuration["KvStore:ProxyEndpoints"], "true", StringComparison.OrdinalIgnoreCase));
            if (builder.DataDirectory() is { } data)
                node.WithEnvironment("DATA_DIR", Path.Combine(data, name));
        }

        node.WithHttpHealthCheck("/health")
            .WithEnvironment("NODE_NAME", name)
            .WithEnvironment("REPLICATION_TOKEN", settings.ReplicationToken)
            .WithEnvironment("FSYNC", settings.Fsync)
            // Under the dashboard every request would be traced; following the caller's decision lets the load
            // runner sample its load while a single write (curl, the web UI) still gets its whole trace.
            .WithEnvironment("OTEL_TRACES_SAMPLER", "parentbased_always_on")
            .WithEnvironment("DOTNET_TieredPGO", "0")
            .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", MetricExportIntervalMs)
            .WithUrls(context =>
            {
                foreach (var url in context.Urls.Where(u => u.Endpoint?.EndpointName == "http").ToList())
                {
                    url.DisplayText = "API";
                    context.Urls.Add(new ResourceUrlAnnotation { Url = url.Url.TrimEnd('/') + "/ui/", DisplayText = "KV explorer", Endpoint = url.Endpoint });
                }
            });
        return node;
    }

    /// <summary>
    /// The load runner with one of its commands against the leader; started by hand from the dashboard. The lag
    /// bounds tell it where the latency floor of its plots lies. When run, <c>--leader</c> is whichever node leads at
    /// the moment the resource starts (a node's <c>GET /cluster</c>, see <see cref="Failover.ClusterProbe"/>), so
    /// a start after a failover loads the new leader; a published model names <c>leader</c>'s service.
    /// </summary>
    public static IResourceBuilder<ProjectResource> AddLoadRunner(this IDistributedApplicationBuilder builder, string name,
        IResourceBuilder<ProjectResource> leader, NodeSettings settings, params string[] args)
    {
        var runner = builder.AddProject<Projects.KvStore_LoadRunner>(name, options => options.ExcludeLaunchProfile = true)
            .WithReference(leader)
            .WaitFor(leader)
            .WithEnvironment("MIN_DELAY", settings.MinDelay)
            .WithEnvironment("MAX_DELAY", settings.MaxDelay)
            .WithEnvironment("DOTNET_TieredPGO", "0")
            .WithEnvironment("OTEL_METRIC_EXPORT_INTERVAL", MetricExportIntervalMs);
        if (builder.ExecutionContext.IsPublishMode)
            return runner.WithArgs([args[0], "--leader", "http://leader", .. args[1..]]).WithExplicitStart();

        return runner.WithArgs(async context =>
            {
                var probe = context.ExecutionContext.Services.GetRequiredService<Failover.ClusterProbe>();
                var current = await probe.FindLeaderAsync(context.CancellationToken);
                context.Args.Add(args[0]);
                context.Args.Add("--leader");
                // No leader known (an election): the load runner starts on leader's service and says what it finds there.
                context.Args.Add(current is null ? "http://leader" : current.Url.GetLeftPart(UriPartial.Authority));
                foreach (var arg in args[1..])
                    context.Args.Add(arg);
            })
            .WithExplicitStart();
    }

    /// <summary>The leader's host port, the followers' the next five: <c>KvStore:PortBase</c> (<c>--KvStore:PortBase=9000</c>), else 8000.</summary>
    public static int NodePortBase(this IDistributedApplicationBuilder builder) =>
        int.TryParse(builder.Configuration["KvStore:PortBase"], System.Globalization.CultureInfo.InvariantCulture, out var configured) ? configured : 8000;

    /// <summary>
    /// Where the nodes keep their write-ahead logs when the AppHost runs: <c>KvStore:DataDirectory</c>
    /// (<c>--KvStore:DataDirectory=.data</c>), one folder per node, with the <c>fsync</c> parameter. Unset, the nodes keep
    /// everything in memory, as the reference labs and bench/cluster.sh do, so the dashboard's figures are theirs.
    /// </summary>
    public static string? DataDirectory(this IDistributedApplicationBuilder builder) =>
        builder.Configuration["KvStore:DataDirectory"] is { Length: > 0 } configured ? Path.GetFullPath(configured, builder.AppHostDirectory) : null;

    /// <summary>
    /// A folder for the load runner's reports, <c>artifacts/NAME</c> at the repository root, relative to the load runner's
    /// working directory (DCP starts a project in its own folder), so the published model names no machine's paths.
    /// </summary>
    public static string ArtifactsDirectory(this IDistributedApplicationBuilder builder, string name) => $"../artifacts/{name}";
}

/// <summary>Marks a node whose DATA_DIR is a named volume when published to containers.</summary>
public sealed record NodeDataVolume(string Name) : IResourceAnnotation
{
    public const string MountPath = "/data";
}
