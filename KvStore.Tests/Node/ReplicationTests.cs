using System.Net;
using System.Net.Http.Json;
using System.Text;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>The reference labs' integration scenarios on one shared 1 + 5 cluster (these tests never stop nodes).</summary>
[Collection(SharedClusterGroup.Name)]
public sealed class ReplicationTests(SharedCluster shared)
{
    private TestCluster Cluster => shared.Cluster;

    [Fact]
    public async Task Write_is_readable_from_the_leader_and_every_follower()
    {
        var write = await Cluster.WriteAsync("repl-basic", new { name = "ada", tags = new[] { 1, 2 } }, quorum: 5);
        write.EnsureSuccessStatusCode();
        var ack = (await write.Content.ReadFromJsonAsync<WriteResponse>())!;
        Assert.Equal(5, ack.Acks);

        foreach (var node in Cluster.AllNodes)
        {
            var read = (await node.GetFromJsonAsync<ReadResponse>("/read?key=repl-basic"))!;
            Assert.Equal(ack.Version, read.Version);
            Assert.Equal("{\"name\":\"ada\",\"tags\":[1,2]}", Encoding.UTF8.GetString(read.Value.Utf8.Span));
        }
    }

    [Fact]
    public async Task Ten_clients_writing_ten_keys_concurrently_leave_six_identical_replicas()
    {
        var clients = Enumerable.Range(0, 10).Select(async client =>
        {
            for (var i = 0; i < 10; i++)
            {
                var response = await Cluster.WriteAsync($"load-{(client + i) % 10}", new { client, i });
                Assert.Equal(HttpStatusCode.OK, response.StatusCode);
            }
        });
        await Task.WhenAll(clients);

        await Cluster.WaitUntilConsistentAsync();
        var data = await TestCluster.DataAsync(Cluster.Leader);
        for (var k = 0; k < 10; k++)
            Assert.True(data.Data.ContainsKey($"load-{k}"));
    }

    [Fact]
    public async Task Versions_are_gap_free_and_increasing_across_keys()
    {
        var versions = new List<long>();
        for (var i = 0; i < 20; i++)
        {
            var response = await Cluster.WriteAsync($"seq-{i % 3}", i, quorum: 1);
            versions.Add((await response.Content.ReadFromJsonAsync<WriteResponse>())!.Version);
        }

        // Other tests may not write in between: the collection runs its tests one at a time.
        Assert.Equal(Enumerable.Range(0, 20).Select(i => versions[0] + i), versions);
    }

    [Fact]
    public async Task Concurrent_writes_to_one_key_end_with_the_same_value_and_version_everywhere()
    {
        var writes = Enumerable.Range(0, 200).Select(i => Cluster.WriteAsync("race", i, quorum: i % 6));
        var responses = await Task.WhenAll(writes);
        Assert.All(responses, r => Assert.Equal(HttpStatusCode.OK, r.StatusCode));
        var highest = (await Task.WhenAll(responses.Select(r => r.Content.ReadFromJsonAsync<WriteResponse>())))
            .Max(b => b!.Version);

        await Cluster.WaitUntilConsistentAsync();
        foreach (var node in Cluster.AllNodes)
        {
            var read = (await node.GetFromJsonAsync<ReadResponse>("/read?key=race"))!;
            Assert.Equal(highest, read.Version);
        }
    }

    [Fact]
    public async Task Reads_during_writes_see_each_key_move_only_forward_on_every_node()
    {
        using var stop = new CancellationTokenSource();
        var writer = Task.Run(async () =>
        {
            for (var i = 1; i <= 150; i++)
                (await Cluster.WriteAsync($"mono-{i % 3}", i, quorum: 1)).EnsureSuccessStatusCode();
        });

        var readers = Cluster.AllNodes.Select(node => Task.Run(async () =>
        {
            var seen = new Dictionary<string, long>();
            var reads = 0;
            while (!writer.IsCompleted || reads < 30)
            {
                var key = $"mono-{reads % 3}";
                var response = await node.GetAsync($"/read?key={key}");
                reads++;
                if (response.StatusCode == HttpStatusCode.NotFound)
                    continue;
                var version = (await response.Content.ReadFromJsonAsync<ReadResponse>())!.Version;
                Assert.True(version >= seen.GetValueOrDefault(key), $"{key} went back from {seen.GetValueOrDefault(key)} to {version}");
                seen[key] = version;
            }

            return reads;
        })).ToArray();

        await writer;
        var counts = await Task.WhenAll(readers);
        Assert.All(counts, c => Assert.True(c >= 30));
    }

    [Fact]
    public async Task Delete_replicates_as_a_tombstone()
    {
        (await Cluster.Leader.PutAsJsonAsync("/kv/doomed", "bye")).EnsureSuccessStatusCode();
        var delete = await Cluster.Leader.DeleteAsync("/kv/doomed?quorum=5");
        delete.EnsureSuccessStatusCode();
        var version = (await delete.Content.ReadFromJsonAsync<WriteResponse>())!.Version;

        foreach (var node in Cluster.AllNodes)
            await Problem.AssertAsync(await node.GetAsync("/kv/doomed"), HttpStatusCode.NotFound, "not_found");

        await Problem.AssertAsync(await Cluster.Leader.DeleteAsync("/kv/doomed"), HttpStatusCode.NotFound, "not_found");
        var data = await TestCluster.DataAsync(Cluster.Followers[2]);
        Assert.False(data.Data.ContainsKey("doomed"));
        Assert.True(data.AppliedIndex >= version);
    }

    [Fact]
    public async Task Read_your_writes_on_a_follower_with_min_version()
    {
        var write = await Cluster.WriteAsync("ryw", "fresh", quorum: 0);
        var version = (await write.Content.ReadFromJsonAsync<WriteResponse>())!.Version;

        var read = (await Cluster.Followers[4].GetFromJsonAsync<ReadResponse>($"/read?key=ryw&min_version={version}"))!;
        Assert.Equal(version, read.Version);
        Assert.Equal("\"fresh\"", Encoding.UTF8.GetString(read.Value.Utf8.Span));

        var future = await Cluster.Followers[0].GetAsync($"/read?key=ryw&min_version={version + 1_000_000}");
        var problem = await Problem.AssertAsync(future, HttpStatusCode.ServiceUnavailable, "stale_read");
        Assert.True(problem.GetProperty("appliedIndex").GetInt64() >= version);
    }

    [Fact]
    public async Task Cluster_reports_every_follower_caught_up_and_healthy()
    {
        (await Cluster.WriteAsync("cluster-probe", 1, quorum: 5)).EnsureSuccessStatusCode();
        var cluster = (await Cluster.Leader.GetFromJsonAsync<ClusterResponse>("/cluster"))!;
        var followers = cluster.Followers;
        Assert.Equal(5, followers.Count);
        Assert.Equal(Cluster.FollowerUrls.Order(), followers.Select(f => f.Url).Order());
        Assert.Equal(Enumerable.Range(1, 5).Select(i => $"follower{i}"), followers.Select(f => f.Name).Order());
        Assert.Equal(0.0001, cluster.MinDelay);
        Assert.Equal(0.001, cluster.MaxDelay);
        Assert.All(followers, f =>
        {
            Assert.Equal("healthy", f.State);
            Assert.Equal(cluster.LastIndex, f.AckedIndex);
            Assert.Equal(0, f.Lag);
            Assert.True(f.LastAckLatencyMs > 0);
        });
    }
}
