using System.Globalization;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Durability;

/// <summary>
/// A leader and five followers as real processes, each with its own DATA_DIR, so tests can kill -9 any of
/// them and restart it on its data. The log is kept short (LOG_RETAIN, SNAPSHOT_EVERY) so snapshots happen.
/// </summary>
public sealed class ProcessCluster : IAsyncLifetime
{
    public const int LogRetain = 400;
    private readonly string _root = Directory.CreateTempSubdirectory("kvstore-durability-").FullName;

    public ProcessNode Leader { get; private set; } = null!;

    public IReadOnlyList<ProcessNode> Followers { get; private set; } = [];

    public IEnumerable<ProcessNode> All => Followers.Prepend(Leader);

    public HttpClient Http { get; } = new(new SocketsHttpHandler { UseProxy = false }) { Timeout = TimeSpan.FromSeconds(10) };

    public async ValueTask InitializeAsync()
    {
        var ports = FreePorts.Take(6);
        var common = new Dictionary<string, string?>
        {
            ["REPLICATION_TOKEN"] = "durability",
            ["LOG_RETAIN"] = LogRetain.ToString(CultureInfo.InvariantCulture),
            ["SNAPSHOT_EVERY"] = "1000",
            ["SEGMENT_BYTES"] = "65536",
            ["REPLICATION_TIMEOUT"] = "2",
        };

        Followers = Enumerable.Range(1, 5).Select(i => new ProcessNode($"follower{i}", ports[i], new(common)
        {
            ["ROLE"] = "follower",
            ["LEADER"] = $"http://127.0.0.1:{ports[0]}",
            ["DATA_DIR"] = Path.Combine(_root, $"follower{i}"),
        })).ToArray();
        Leader = new ProcessNode("leader", ports[0], new(common)
        {
            ["ROLE"] = "leader",
            ["WRITE_QUORUM"] = "3",
            ["FOLLOWERS"] = string.Join(',', Followers.Select(f => f.Url)),
            ["DATA_DIR"] = Path.Combine(_root, "leader"),
        });

        foreach (var node in All)
            node.Start();
        foreach (var node in All)
            await node.WaitHealthyAsync(TimeSpan.FromSeconds(60));
    }

    public async ValueTask DisposeAsync()
    {
        foreach (var node in All)
            await node.DisposeAsync();
        Http.Dispose();
        Directory.Delete(_root, recursive: true);
    }
}
