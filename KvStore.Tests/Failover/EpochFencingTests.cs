using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>A real cluster whose follower1 has learned of a newer epoch than its leader's (as if it answered a candidate of epoch 2).</summary>
public sealed class EpochFencingTests : IDisposable
{
    private readonly string _dir = Directory.CreateTempSubdirectory("kvstore-fenced-").FullName;

    public void Dispose() => Directory.Delete(_dir, recursive: true);

    [Fact]
    public async Task A_follower_that_knows_a_newer_epoch_refuses_the_old_leader_which_then_takes_no_writes()
    {
        var ct = TestContext.Current.CancellationToken;
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings
        {
            ConfigureNode = b =>
            {
                if (b.Configuration["NODE_NAME"] == "follower1")
                    b.Configuration["DATA_DIR"] = _dir;
            },
        });

        (await cluster.WriteAsync("before", 1, quorum: 5)).EnsureSuccessStatusCode();
        Assert.Equal(1, (await cluster.Leader.GetFromJsonAsync<JsonElement>("/cluster", ct)).GetProperty("epoch").GetInt64());

        await cluster.StopFollowerAsync(0);
        await File.WriteAllTextAsync(Path.Combine(_dir, "epochs"), "2\n1:1\n", ct);
        await cluster.StartFollowerAsync(0);

        // A message of epoch 1 is refused and names the newer epoch.
        using (var message = new HttpRequestMessage(HttpMethod.Post, "/replicate"))
        {
            message.Content = new ByteArrayContent(ReplicationMessages.Encode(2, "stale", "1"));
            message.Content.Headers.ContentType = new("application/vnd.kvstore.log");
            message.Headers.TryAddWithoutValidation("Authorization", "Bearer test-token");
            message.Headers.Add("X-KvStore-Log-Id", Guid.NewGuid().ToString());
            message.Headers.Add("X-KvStore-Epoch", "1");
            var refused = await Problem.AssertAsync(await cluster.Followers[0].SendAsync(message, ct), HttpStatusCode.Conflict, "stale_epoch");
            Assert.Equal(2, refused.GetProperty("epoch").GetInt64());
        }

        // The leader's stream to follower1 is refused the same way, which deposes it: writes get 503 no_leader.
        var status = await Deadline.UntilAsync(
            () => cluster.Leader.GetFromJsonAsync<JsonElement>("/cluster", ct),
            s => s.GetProperty("epoch").GetInt64() == 2, TimeSpan.FromSeconds(15), "the leader learns of epoch 2");
        Assert.Equal(2, status.GetProperty("epoch").GetInt64());
        using var refusedWrite = await cluster.WriteAsync("after", 2);
        Assert.Equal(TimeSpan.FromSeconds(1), refusedWrite.Headers.RetryAfter?.Delta);
        await Problem.AssertAsync(refusedWrite, HttpStatusCode.ServiceUnavailable, "no_leader");

        // follower1 kept what it had: the deposed leader could not make it drop or add anything.
        var data = await TestCluster.DataAsync(cluster.Followers[0]);
        Assert.Equal(1, data.AppliedIndex);
        Assert.False(data.Data.ContainsKey("after"));
    }
}
