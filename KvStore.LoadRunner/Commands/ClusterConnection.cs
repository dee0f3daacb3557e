using KvStore.LoadRunner.Cluster;
using Spectre.Console;

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

    /// <summary>How long the start waits for an election to end when <c>--leader</c> names a follower that knows of no leader.</summary>
    private static readonly TimeSpan FindLeaderAtMost = TimeSpan.FromSeconds(10);

    /// <summary>
    /// Resolves <c>--leader</c>, which may name any node: the leader is found through it (<see cref="LeaderLookup"/>) and
    /// named on the console when it is another node; then reads the leader's <c>/cluster</c>. With
    /// <paramref name="followLeader"/>, writes follow leader changes among the leader and its followers (bench, sweep).
    /// Fails with a message naming the URL when the cluster cannot be reached.
    /// </summary>
    public static async Task<ClusterConnection> OpenAsync(
        CommandContext context, string? leaderReference, int loadClients, TimeSpan requestTimeout, CancellationToken cancellationToken,
        bool followLeader = false)
    {
        ArgumentNullException.ThrowIfNull(context);
        var given = await LeaderAddress.ResolveAsync(leaderReference, context.Resolver, cancellationToken);
        var http = LoadRunnerHttp.Create(loadClients, requestTimeout);
        try
        {
            var found = await LeaderLookup.FindAsync(http, given, FindLeaderAtMost, cancellationToken);
            if (found.ThroughFollower)
                context.Console.WriteLine($"{given} is a follower; using the leader it names: {found.Leader}");
            var client = new KvClient(http, found.Leader);
            var topology = await ClusterDiscovery.DiscoverAsync(client, context.Resolver, cancellationToken);
            if (followLeader)
                client.FollowLeader(new LeaderTracker(http, [client.Leader, .. topology.Followers.Select(f => f.Url)]));
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
