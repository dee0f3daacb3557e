using System.Collections.Concurrent;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using System.Text.RegularExpressions;
using KvStore.Node.Api;
using KvStore.Node.Follower;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Durability;

/// <summary>kill -9 of real node processes with DATA_DIR: nothing acknowledged is lost, no version is reused.</summary>
public sealed partial class CrashRecoveryTests(ProcessCluster cluster) : IClassFixture<ProcessCluster>
{
    private HttpClient Http => cluster.Http;

    [Fact]
    public async Task Killing_the_leader_during_quorum_writes_never_loses_an_acknowledged_write_nor_reuses_a_version()
    {
        var acked = new ConcurrentDictionary<string, (long Version, int Value)>();
        var owners = new ConcurrentDictionary<long, string>();
        var random = new Random(20261122);
        for (var round = 0; round < 20; round++)
        {
            using var stop = new CancellationTokenSource();
            var writers = Enumerable.Range(0, 8).Select(w => WriteUntilStoppedAsync($"r{round}-w{w}", acked, owners, stop.Token)).ToArray();

            await Task.Delay(random.Next(20, 250));
            await cluster.Leader.KillAsync();
            await stop.CancelAsync();
            await Task.WhenAll(writers);

            cluster.Leader.Start();
            await cluster.Leader.WaitHealthyAsync(TimeSpan.FromSeconds(30));
            await AssertHoldsAsync(cluster.Leader, acked, $"leader after kill -9 in round {round}");
        }

        Assert.True(acked.Count >= 100, $"only {acked.Count} writes were acknowledged in 20 rounds");
        await WaitUntilConsistentAsync();
        foreach (var follower in cluster.Followers)
            await AssertHoldsAsync(follower, acked, $"{follower.Name} after catch-up");
    }

    [Fact]
    public async Task Followers_killed_during_load_restart_from_their_own_index_and_catch_up()
    {
        var acked = new ConcurrentDictionary<string, (long Version, int Value)>();
        using var stop = new CancellationTokenSource();
        var writer = WriteUntilStoppedAsync("follower-load", acked, new ConcurrentDictionary<long, string>(), stop.Token, quorum: 2);

        foreach (var follower in new[] { cluster.Followers[0], cluster.Followers[3], cluster.Followers[0] })
        {
            await Task.Delay(200);
            var ackedBefore = await AckedIndexAsync(follower);
            await follower.KillAsync();
            await Task.Delay(100);
            var linesBefore = follower.Output.Count();
            follower.Start();
            await follower.WaitHealthyAsync(TimeSpan.FromSeconds(30));

            // It comes back with what it acknowledged, from its own disk, before the leader sends it anything.
            var recovered = follower.Output.Skip(linesBefore).Select(l => Recovered().Match(l)).First(m => m.Success);
            Assert.True(long.Parse(recovered.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture) >= ackedBefore,
                $"{follower.Name} acknowledged {ackedBefore} before the kill but recovered only: {recovered.Value}");
        }

        await stop.CancelAsync();
        await writer;
        Assert.True(acked.Count > 50, $"only {acked.Count} writes were acknowledged");
        await WaitUntilConsistentAsync();
        foreach (var node in cluster.All)
            await AssertHoldsAsync(node, acked, node.Name);
    }

    [Fact]
    public async Task Followers_killed_while_a_write_times_out_catch_up_without_any_later_write()
    {
        (await Http.PostAsJsonAsync($"{cluster.Leader.Url}/write?quorum=5", new { key = "before-kill", value = 1 })).EnsureSuccessStatusCode();
        var down = new[] { cluster.Followers[1], cluster.Followers[2] };
        foreach (var follower in down)
            await follower.KillAsync();

        // In flight to the dead followers, this write is retried until they answer again.
        var timedOut = await Http.PostAsJsonAsync($"{cluster.Leader.Url}/write?quorum=5", new { key = "while-down", value = 2 });
        Assert.Equal(HttpStatusCode.ServiceUnavailable, timedOut.StatusCode);

        foreach (var follower in down)
        {
            follower.Start();
            await follower.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        }

        // Nothing else is written: the retried messages alone must bring them level with the leader.
        await WaitUntilConsistentAsync();
    }

    [Fact]
    public async Task A_follower_that_missed_more_than_the_retained_log_is_brought_back_by_snapshot()
    {
        var follower = cluster.Followers[4];
        await follower.KillAsync();
        var acked = new ConcurrentDictionary<string, (long Version, int Value)>();
        for (var i = 0; i < ProcessCluster.LogRetain * 3; i++)
        {
            var response = await Http.PostAsJsonAsync($"{cluster.Leader.Url}/write", new { key = $"missed-{i % 50}", value = i });
            response.EnsureSuccessStatusCode();
        }

        var linesBefore = follower.Output.Count();
        follower.Start();
        await follower.WaitHealthyAsync(TimeSpan.FromSeconds(30));
        await WaitUntilConsistentAsync();
        // By category and EventId, as the console formatter prints them ("info: Category[EventId]").
        var snapshotInstalled = $"{typeof(ReplicaApplier).FullName}[{ReplicaApplier.SnapshotInstallEventId}]";
        Assert.Contains(follower.Output.Skip(linesBefore), line => line.Contains(snapshotInstalled, StringComparison.Ordinal));
    }

    private async Task WriteUntilStoppedAsync(
        string prefix, ConcurrentDictionary<string, (long, int)> acked, ConcurrentDictionary<long, string> owners,
        CancellationToken stop, int? quorum = null)
    {
        for (var i = 0; !stop.IsCancellationRequested; i++)
        {
            var key = $"{prefix}-{i}";
            HttpResponseMessage response;
            try
            {
                response = await Http.PostAsJsonAsync($"{cluster.Leader.Url}/write?quorum={quorum ?? 1 + (i % 3)}", new { key, value = i });
            }
            catch (Exception e) when (e is HttpRequestException or TaskCanceledException or System.Net.Sockets.SocketException)
            {
                // The leader was killed: connecting can fail at any step, even after the socket connected.
                if (stop.IsCancellationRequested)
                    return;
                continue;
            }

            if (response.StatusCode != HttpStatusCode.OK)
                continue;
            var version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();
            acked[key] = (version, i);
            Assert.True(owners.TryAdd(version, key), $"version {version} was acknowledged for both {owners.GetValueOrDefault(version)} and {key}");
        }
    }

    private async Task AssertHoldsAsync(ProcessNode node, ConcurrentDictionary<string, (long Version, int Value)> acked, string what)
    {
        var data = (await Http.GetFromJsonAsync<JsonElement>($"{node.Url}/data")).GetProperty("data");
        foreach (var (key, (version, value)) in acked)
        {
            Assert.True(data.TryGetProperty(key, out var item), $"{what}: acknowledged write {key} (version {version}) is missing");
            Assert.Equal(version, item.GetProperty("version").GetInt64());
            Assert.Equal(value, item.GetProperty("value").GetInt32());
        }
    }

    private async Task<long> AckedIndexAsync(ProcessNode follower)
    {
        var status = await Http.GetFromJsonAsync<JsonElement>($"{cluster.Leader.Url}/cluster");
        return status.GetProperty("followers").EnumerateArray()
            .Single(f => f.GetProperty("url").GetString() == follower.Url).GetProperty("ackedIndex").GetInt64();
    }

    private async Task WaitUntilConsistentAsync()
    {
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(30);
        string[] canonical = [];
        while (DateTime.UtcNow < deadline)
        {
            canonical = await Task.WhenAll(cluster.All.Select(async n => TestCluster.Canonical((await Http.GetFromJsonAsync<DataResponse>($"{n.Url}/data"))!)));
            if (canonical.All(c => c == canonical[0]))
                return;
            await Task.Delay(100);
        }

        Assert.Fail("replicas did not converge: " + string.Join(", ", canonical.Select(c => c[..c.IndexOf(' ', StringComparison.Ordinal)])));
    }

    [GeneratedRegex(@"Recovered .*last index (\d+)")]
    private static partial Regex Recovered();
}
