using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.Compose;

/// <summary>A node that answered <c>GET /cluster</c> as the leader, and what it said.</summary>
public sealed record ComposeLeader(string Name, ClusterResponse Cluster)
{
    public long Epoch => Cluster.Epoch;

    public string Url => ComposeCluster.NodeUrl(Name);
}

/// <summary>
/// The Compose deployment's six nodes as a user on the host sees them: each on its published port (8000 + its place),
/// and under FAILOVER=etcd any of them may lead, so every write goes to the node that leads now, found through the
/// nodes' <c>GET /cluster</c>.
/// </summary>
public sealed class ComposeCluster : IDisposable
{
    public static readonly IReadOnlyList<string> Nodes = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];
    private static readonly TimeSpan HealthTimeout = TimeSpan.FromSeconds(120);
    private static readonly TimeSpan CatchUpTimeout = TimeSpan.FromSeconds(60);

    public HttpClient Http { get; } = new() { Timeout = TimeSpan.FromSeconds(15) };

    /// <summary>For writers and polls: a killed node must cost a request a second or so, not the test's budget.</summary>
    public HttpClient Quick { get; } = new(new SocketsHttpHandler { UseProxy = false, ConnectTimeout = TimeSpan.FromSeconds(1) }) { Timeout = TimeSpan.FromSeconds(3) };

    public static string NodeUrl(string node) => $"http://localhost:{8000 + IndexOf(node)}";

    public static int IndexOf(string node) => Nodes.ToList().IndexOf(node) is var i and >= 0 ? i : throw new ArgumentException($"no node {node}", nameof(node));

    /// <summary>The node that answers as leader with the newest epoch, or null (an election, or no node answering).</summary>
    public async Task<ComposeLeader?> FindLeaderAsync()
    {
        var answers = await Task.WhenAll(Nodes.Select(async n => (Name: n, Cluster: await TryClusterAsync(n))));
        return answers.Where(a => a.Cluster?.Role == "leader").OrderByDescending(a => a.Cluster!.Epoch)
            .Select(a => new ComposeLeader(a.Name, a.Cluster!)).FirstOrDefault();
    }

    /// <summary>
    /// A leader streaming to all five others, each listed by its advertised (host) URL: until a follower's stream has
    /// opened the leader lists it under its service name, which a client on the host cannot resolve.
    /// </summary>
    public Task<ComposeLeader?> WaitForSettledLeaderAsync(string what, TimeSpan timeout, long newerThan = -1) =>
        Deadline.UntilAsync(FindLeaderAsync,
            l => l is not null && l.Epoch > newerThan && l.Cluster.Followers.Count == 5 &&
                l.Cluster.Followers.All(f => f.AdvertisedUrl is not null && f.State == "healthy"),
            timeout, what,
            l => l is null ? "no node answers as leader" : $"{l.Name} epoch {l.Epoch}: " +
                string.Join(", ", l.Cluster.Followers.Select(f => $"{f.Name} {f.State} {f.AdvertisedUrl ?? f.Url}")));

    public async Task<ClusterResponse?> TryClusterAsync(string node)
    {
        try
        {
            return await Quick.GetFromJsonAsync<ClusterResponse>($"{NodeUrl(node)}/cluster", TestContext.Current.CancellationToken);
        }
        catch (Exception e) when (e is HttpRequestException or TaskCanceledException or JsonException && !TestContext.Current.CancellationToken.IsCancellationRequested)
        {
            return null;
        }
    }

    /// <summary>A write to <paramref name="leader"/>, answered as <paramref name="expected"/>; the problem's code when refused.</summary>
    public async Task<(WriteResponse? Written, string? Code)> WriteAsync(ComposeLeader leader, string key, object value, int quorum, HttpStatusCode expected)
    {
        using var response = await Http.PostAsJsonAsync($"{leader.Url}/write?quorum={quorum}", new { key, value }, TestContext.Current.CancellationToken);
        var body = await response.Content.ReadAsStringAsync(TestContext.Current.CancellationToken);
        Assert.True(response.StatusCode == expected, $"write {key} with quorum {quorum} to {leader.Name}: {(int)response.StatusCode} {body}, expected {(int)expected}");
        return response.StatusCode == HttpStatusCode.OK
            ? (JsonSerializer.Deserialize<WriteResponse>(body, JsonSerializerOptions.Web), null)
            : (null, JsonSerializer.Deserialize<ProblemCode>(body, JsonSerializerOptions.Web)?.Code);
    }

    private sealed record ProblemCode(string? Code);

    public async Task<DataResponse> DataAsync(string node) =>
        (await Http.GetFromJsonAsync<DataResponse>($"{NodeUrl(node)}/data", TestContext.Current.CancellationToken))!;

    public async Task WaitUntilHealthyAsync(IEnumerable<string> nodes)
    {
        var stopwatch = Stopwatch.StartNew();
        foreach (var node in nodes)
        {
            await Deadline.UntilAsync(async () =>
            {
                try
                {
                    using var response = await Http.GetAsync($"{NodeUrl(node)}/health", TestContext.Current.CancellationToken);
                    return response.IsSuccessStatusCode;
                }
                catch (Exception e) when (e is HttpRequestException or TaskCanceledException && !TestContext.Current.CancellationToken.IsCancellationRequested)
                {
                    return false;
                }
            }, ok => ok, HealthTimeout - stopwatch.Elapsed, $"{node} to answer /health on the host");
        }
    }

    /// <summary>The load runner's <c>check</c> from the host against <paramref name="leader"/>: every node's data the same.</summary>
    public static Task<CliResult> WaitUntilReplicasMatchAsync(ComposeLeader leader, string what) => Deadline.UntilAsync(
        () => LoadRunnerCli.RunAsync(["check", "--leader", leader.Url], NoConfiguration(), TestContext.Current.CancellationToken),
        r => r.ExitCode == 0, CatchUpTimeout, what, r => r.ToString());

    // As a user on the host runs it: nothing but a node's URL; /cluster names every follower by its advertised URL.
    public static IConfiguration NoConfiguration() => new ConfigurationBuilder().Build();

    public void Dispose()
    {
        Http.Dispose();
        Quick.Dispose();
    }
}
