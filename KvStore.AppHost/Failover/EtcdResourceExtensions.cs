using System.Globalization;
using KvStore.AppHost.Publishing;

namespace KvStore.AppHost.Failover;

/// <summary>The <c>etcd</c> resource: one etcd member the nodes elect their leader through (FAILOVER=etcd).</summary>
public static class EtcdResourceExtensions
{
    /// <summary>etcd's client port unless <c>KvStore:EtcdPort</c> says otherwise; the peer port is the next one. Not 2379: a
    /// Debian etcd-server package runs its own member there.</summary>
    public const int DefaultClientPort = 8379;

    /// <summary>
    /// A single-member etcd listening on loopback only, on a fixed client port (the nodes' ETCD_ENDPOINTS) and the
    /// next port for peers. Its data is <c>KvStore:DataDirectory/etcd</c>, kept like the nodes' logs, else a folder
    /// in /dev/shm (or the system temp) emptied on every run: the nodes then keep nothing either, and a leader key or epoch left
    /// by an earlier run would name a node that no longer holds that data.
    /// </summary>
    public static IResourceBuilder<ExecutableResource> AddEtcd(this IDistributedApplicationBuilder builder, string name, string binary)
    {
        var port = builder.EtcdClientPort();
        var client = ClientUrl(builder);
        var peer = "http://127.0.0.1:" + (port + 1).ToString(CultureInfo.InvariantCulture);
        string dataDir;
        if (builder.DataDirectory() is { } data)
        {
            dataDir = Path.Combine(data, name);
        }
        else
        {
            // In memory (tmpfs) where there is one, as the nodes are: etcd fsyncs every grant and claim, and on a slow or
            // busy disk a new leader's grant and claim together can outlast its lease guard (3/4 of the 2 s TTL), so it
            // would find its leadership unproven the moment it won and step down again.
            var scratch = Directory.Exists("/dev/shm") ? "/dev/shm" : Path.GetTempPath();
            dataDir = Path.Combine(scratch, "kvstore-apphost-" + name + "-" + port.ToString(CultureInfo.InvariantCulture));
            if (builder.ExecutionContext.IsRunMode && Directory.Exists(dataDir))
                Directory.Delete(dataDir, recursive: true);
        }

        return builder.AddExecutable(name, binary, builder.AppHostDirectory,
                "--name", name, "--data-dir", dataDir, "--logger", "zap", "--log-level", "warn",
                "--listen-client-urls", client, "--advertise-client-urls", client,
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"{name}={peer}")
            .WithHttpEndpoint(port: port, name: "http", isProxied: false)
            // etcd's /health answers {"health":"true"} once the member has a raft leader (itself) and serves requests.
            .WithHttpHealthCheck("/health");
    }

    /// <summary>etcd's client port inside its container (published models); nothing outside the deployment's network reaches it.</summary>
    public const int ContainerClientPort = 2379;

    /// <summary>Where the container keeps its data: the named volume <c>NAME-data</c>, owned by the image's unprivileged user.</summary>
    public const string ContainerDataDirectory = "/var/lib/etcd";

    /// <summary>
    /// The published model's etcd: the image deploy/build-images.sh builds from Debian's etcd-server package, one
    /// member listening on every interface of its container and advertised by service name, its data in a named volume
    /// (the nodes' epochs are durable in theirs, so the leader key must not vanish with a container either). No host
    /// port: only the nodes need it.
    /// </summary>
    public static IResourceBuilder<ContainerResource> AddEtcdContainer(this IDistributedApplicationBuilder builder, string name)
    {
        var port = ContainerClientPort.ToString(CultureInfo.InvariantCulture);
        // A single member has no peers to talk to: its peer URL stays on the container's loopback.
        const string peer = "http://127.0.0.1:2380";
        return builder.AddContainer(name, ComposeImage.Etcd.Image)
            .WithArgs("--name", name, "--data-dir", ContainerDataDirectory, "--logger", "zap", "--log-level", "warn",
                "--listen-client-urls", "http://0.0.0.0:" + port, "--advertise-client-urls", $"http://{name}:{port}",
                "--listen-peer-urls", peer, "--initial-advertise-peer-urls", peer, "--initial-cluster", $"{name}={peer}")
            .WithHttpEndpoint(targetPort: ContainerClientPort, name: "http")
            .WithVolume(name + "-data", ContainerDataDirectory)
            .WithHttpHealthCheck("/health")
            .WithAnnotation(ComposeImage.Etcd);
    }

    /// <summary>The URL the nodes reach etcd at: 127.0.0.1, where it listens (localhost may resolve to ::1 first).</summary>
    public static string ClientUrl(this IDistributedApplicationBuilder builder) =>
        "http://127.0.0.1:" + builder.EtcdClientPort().ToString(CultureInfo.InvariantCulture);

    public static int EtcdClientPort(this IDistributedApplicationBuilder builder) =>
        int.TryParse(builder.Configuration["KvStore:EtcdPort"], CultureInfo.InvariantCulture, out var configured) ? configured : DefaultClientPort;
}
