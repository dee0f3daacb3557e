using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Commands;

/// <summary>The HTTP client, the leader it talks to and the cluster the leader describes: every command's first step.</summary>
internal sealed class ClusterConnection : IDisposable
{
    private readonly HttpClient _http;

    private ClusterConnection(HttpClient http, KvClient client, ClusterTopology topology)
    {
        _http = http;
        Client = client;
        Topology = topology;
    }

    public KvClient Client { get; }

    public ClusterTopology Topology { get; }

    public Uri Leader => Client.Leader;

    /// <summary>Resolves <c>--leader</c> and reads <c>/cluster</c>; fails with a message naming the URL when that is impossible.</summary>
    public static async Task<ClusterConnection> OpenAsync(
        CommandContext context, string? leaderReference, int loadClients, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(context);
        var leader = await LeaderAddress.ResolveAsync(leaderReference, context.Resolver, cancellationToken);
        var http = LoadRunnerHttp.Create(loadClients, requestTimeout);
        try
        {
            var client = new KvClient(http, leader);
            var topology = await ClusterDiscovery.DiscoverAsync(client, context.Resolver, cancellationToken);
            return new ClusterConnection(http, client, topology);
        }
        catch
        {
            http.Dispose();
            throw;
        }
    }

    /// <summary>A quorum the cluster cannot meet is a usage error, caught before any load is sent.</summary>
    public void EnsureQuorumPossible(int quorum, string option)
    {
        if (quorum > Topology.Followers.Count)
        {
            throw new UsageException(
                $"{option} asks for quorum {quorum}, but the leader at {Leader} has {Topology.Followers.Count} follower(s).");
        }
    }

    public void Dispose() => _http.Dispose();
}
