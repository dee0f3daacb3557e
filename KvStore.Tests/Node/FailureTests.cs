using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>Followers stopped, restarted empty or frozen; each test owns its cluster.</summary>
public sealed class FailureTests
{
    [Fact]
    public async Task Two_followers_down_quorum_3_succeeds_quorum_5_times_out_then_they_catch_up()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings { ReplicationTimeout = 1 });

        // Asynchronous, then awaited: the short quorum timeout is for the writes under test, not a cold start.
        for (var i = 0; i < 20; i++)
            (await cluster.WriteAsync($"before-{i}", i, quorum: 0)).EnsureSuccessStatusCode();
        await cluster.WaitUntilConsistentAsync();

        // The leader's replication stream is an open request on each follower: stopping must end it, not wait it out.
        var stopping = Stopwatch.StartNew();
        await cluster.StopFollowerAsync(1);
        await cluster.StopFollowerAsync(3);
        Assert.True(stopping.Elapsed < TimeSpan.FromSeconds(4), $"stopping two followers took {stopping.Elapsed.TotalSeconds:0.0} s");

        var ok = await cluster.WriteAsync("during", "q3", quorum: 3);
        Assert.Equal(HttpStatusCode.OK, ok.StatusCode);
        Assert.Equal(3, (await ok.Content.ReadFromJsonAsync<WriteResponse>())!.Acks);

        var clock = Stopwatch.StartNew();
        var timedOut = await cluster.WriteAsync("during", "q5", quorum: 5);
        clock.Stop();
        var problem = await Problem.AssertAsync(timedOut, HttpStatusCode.ServiceUnavailable, "quorum_timeout");
        Assert.Equal(3, problem.GetProperty("acks").GetInt32());
        Assert.Equal(5, problem.GetProperty("quorum").GetInt32());
        Assert.InRange(clock.Elapsed, TimeSpan.FromSeconds(0.9), TimeSpan.FromSeconds(5));

        // The timed-out write is not rolled back: it is the leader's latest state and keeps replicating.
        var leaderRead = (await cluster.Leader.GetFromJsonAsync<ReadResponse>("/read?key=during"))!;
        Assert.Equal("\"q5\"", Encoding.UTF8.GetString(leaderRead.Value.Utf8.Span));
        Assert.Equal(problem.GetProperty("version").GetInt64(), leaderRead.Version);

        var status = (await cluster.Leader.GetFromJsonAsync<ClusterResponse>("/cluster"))!;
        Assert.Equal(2, status.Followers.Count(f => f.State == "unreachable"));

        // Restarted empty (no DATA_DIR), they are caught up from index 1 by the leader.
        await cluster.StartFollowerAsync(1);
        await cluster.StartFollowerAsync(3);
        await cluster.WaitUntilConsistentAsync();
        var follower = await TestCluster.DataAsync(cluster.Followers[3]);
        Assert.Equal(21, follower.Data.Count);

        var again = await cluster.WriteAsync("after", "q5", quorum: 5);
        Assert.Equal(HttpStatusCode.OK, again.StatusCode);
    }

    [Fact]
    public async Task A_frozen_follower_does_not_slow_quorum_3_writes()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings
        {
            ReplicationTimeout = 3,
            FrozenFollowers = new HashSet<int> { 2 },
        });

        // Warm first (asynchronous, then awaited on the four live followers): the quorum timeout is for the writes
        // under test, not for a cold start on a machine busy with the tests running beside this one.
        (await cluster.WriteAsync("warm", 0, quorum: 0)).EnsureSuccessStatusCode();
        await Replication.WaitUntilAcknowledgedByAsync(cluster.Leader, followers: 4, TimeSpan.FromSeconds(15));

        var slowest = TimeSpan.Zero;
        for (var i = 0; i < 100; i++)
        {
            var clock = Stopwatch.StartNew();
            var response = await cluster.WriteAsync($"k{i % 7}", i, quorum: 3);
            clock.Stop();
            Assert.True(response.IsSuccessStatusCode,
                $"write {i} answered {(int)response.StatusCode} after {clock.ElapsedMilliseconds} ms: {await response.Content.ReadAsStringAsync()}; " +
                await cluster.Leader.GetStringAsync("/cluster"));
            slowest = clock.Elapsed > slowest ? clock.Elapsed : slowest;
        }

        // The frozen follower's requests hang for 2 s each (the attempt timeout); none of that may show here.
        Assert.True(slowest < TimeSpan.FromMilliseconds(1500), $"slowest quorum-3 write took {slowest.TotalMilliseconds} ms");

        await Problem.AssertAsync(await cluster.WriteAsync("all", 1, quorum: 5), HttpStatusCode.ServiceUnavailable, "quorum_timeout");
        var status = (await cluster.Leader.GetFromJsonAsync<ClusterResponse>("/cluster"))!;
        Assert.Equal(0, status.Followers.Single(f => f.Url == cluster.FollowerUrls[2]).AckedIndex);
    }

    [Fact]
    public async Task A_follower_restarted_during_writes_catches_up_and_replicas_converge()
    {
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings { ReplicationTimeout = 2 });
        var writer = Task.Run(async () =>
        {
            for (var i = 0; i < 300; i++)
                Assert.Equal(HttpStatusCode.OK, (await cluster.WriteAsync($"busy-{i % 20}", i, quorum: 2)).StatusCode);
        });

        await cluster.StopFollowerAsync(0);
        await cluster.StartFollowerAsync(0);
        await cluster.StopFollowerAsync(4);
        await cluster.StartFollowerAsync(4);
        await writer;

        await cluster.WaitUntilConsistentAsync();
    }
}
