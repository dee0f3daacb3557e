using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Node.Failover;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>FAILOVER=manual on six real Kestrel nodes with data directories: promote, refuse, rejoin, converge.</summary>
public sealed class ManualFailoverTests
{
    private static CancellationToken Ct => TestContext.Current.CancellationToken;

    [Fact]
    public async Task After_the_leader_stops_the_most_advanced_follower_is_promoted_and_no_acknowledged_write_is_lost()
    {
        await using var cluster = await FailoverCluster.StartAsync();
        await Deadline.UntilAsync(() => cluster.ClusterAsync(0), c => c.Followers.Count(f => f.LastAckLatencyMs is not null) == 5,
            TimeSpan.FromSeconds(30), "the leader to reach its five followers");

        // node5 misses the acknowledged writes: it may not lead.
        await cluster.StopAsync(5);
        var acknowledged = new List<string>();
        for (var i = 0; i < 40; i++)
        {
            using var write = await cluster.Clients[0].PostAsJsonAsync("/write?quorum=3", new { key = $"k{i}", value = i }, Ct);
            write.EnsureSuccessStatusCode();
            acknowledged.Add($"k{i}");
        }

        // The old leader also holds writes no follower has (acknowledged at quorum 0 only): its tail to truncate.
        for (var slot = 1; slot <= 4; slot++)
            await cluster.StopAsync(slot);
        for (var i = 0; i < 3; i++)
            (await cluster.Clients[0].PostAsJsonAsync("/write?quorum=0", new { key = $"tail{i}", value = i }, Ct)).EnsureSuccessStatusCode();
        await cluster.StopAsync(0);
        for (var slot = 1; slot <= 5; slot++)
            await cluster.StartAsync(slot);

        // A follower that lacks entries others have is refused, and nothing changes: every node still knows epoch 1.
        var refused = await Problem.AssertAsync(await cluster.AdminAsync(5, "/admin/promote"), HttpStatusCode.Conflict, LeadershipDecision.NotMostAdvanced);
        Assert.Contains("node", refused.GetProperty("detail").GetString(), StringComparison.Ordinal);
        foreach (var slot in new[] { 1, 2, 3, 4, 5 })
            Assert.Equal(1, (await cluster.ClusterAsync(slot)).Epoch);

        var clock = Stopwatch.StartNew();
        using (var promote = await cluster.AdminAsync(1, "/admin/promote"))
        {
            Assert.Equal(HttpStatusCode.OK, promote.StatusCode);
            var promoted = (await promote.Content.ReadFromJsonAsync<PromoteResponse>(Ct))!;
            Assert.Equal((2L, 40L), (promoted.Epoch, promoted.LastIndex));
        }

        using (var write = await cluster.Clients[1].PostAsJsonAsync("/write?quorum=3", new { key = "after", value = 1 }, Ct))
            write.EnsureSuccessStatusCode();
        TestContext.Current.TestOutputHelper?.WriteLine($"promote to first quorum-3 write on the new leader: {clock.Elapsed.TotalMilliseconds:0} ms");

        // Every node names the new leader and its epoch; a follower sends writers there.
        foreach (var slot in new[] { 2, 3, 4, 5 })
        {
            var view = await Deadline.UntilAsync(() => cluster.ClusterAsync(slot), c => c.LeaderUrl == cluster.UrlOf(1),
                TimeSpan.FromSeconds(10), $"node{slot} to name the new leader");
            Assert.Equal(2, view.Epoch);
        }

        var misdirected = await Problem.AssertAsync(await cluster.Clients[2].PostAsJsonAsync("/write", new { key = "x", value = 1 }, Ct),
            HttpStatusCode.MisdirectedRequest, "not_leader");
        Assert.Equal(cluster.UrlOf(1), misdirected.GetProperty("leader").GetString());

        // The old leader comes back as it started (ROLE=leader): it is deposed, follows epoch 2 and loses its tail.
        await cluster.StartAsync(0);
        var converged = await cluster.WaitUntilConsistentAsync(0, 1, 2, 3, 4, 5);
        var data = await TestCluster.DataAsync(cluster.Clients[0]);
        var keys = data.Data.Keys.ToHashSet();
        Assert.Superset(acknowledged.Append("after").ToHashSet(), keys);
        Assert.DoesNotContain(keys, k => k.StartsWith("tail", StringComparison.Ordinal));
        Assert.Equal("follower", (await cluster.ClusterAsync(0)).Role);
        Assert.Equal(2, (await cluster.ClusterAsync(0)).Epoch);
        Assert.NotEmpty(converged);
    }

    [Fact]
    public async Task Step_down_hands_over_to_a_caught_up_follower_and_writes_go_on_there()
    {
        await using var cluster = await FailoverCluster.StartAsync();
        await Deadline.UntilAsync(() => cluster.ClusterAsync(0), c => c.Followers.Count(f => f.LastAckLatencyMs is not null) == 5,
            TimeSpan.FromSeconds(30), "the leader to reach its five followers");
        for (var i = 0; i < 10; i++)
            (await cluster.Clients[0].PostAsJsonAsync("/write?quorum=3", new { key = $"k{i}", value = i }, Ct)).EnsureSuccessStatusCode();

        // A follower may not be promoted while the leader is alive; the answer says to step it down.
        await Problem.AssertAsync(await cluster.AdminAsync(2, "/admin/promote"), HttpStatusCode.Conflict, FailoverCodes.LeaderAlive);

        using var stepDown = await cluster.AdminAsync(0, "/admin/step-down");
        Assert.Equal(HttpStatusCode.OK, stepDown.StatusCode);
        var handover = (await stepDown.Content.ReadFromJsonAsync<StepDownResponse>(Ct))!;
        Assert.Equal(2, handover.Epoch);

        var newLeader = Enumerable.Range(1, 5).Single(n => cluster.UrlOf(n) == handover.NewLeader);
        (await cluster.Clients[newLeader].PostAsJsonAsync("/write?quorum=3", new { key = "after", value = 1 }, Ct)).EnsureSuccessStatusCode();
        await Deadline.UntilAsync(() => cluster.ClusterAsync(0), c => c.Role == "follower" && c.Epoch == 2,
            TimeSpan.FromSeconds(10), "the old leader to follow epoch 2");
        await Problem.AssertAsync(await cluster.Clients[0].PostAsJsonAsync("/write", new { key = "x", value = 1 }, Ct),
            HttpStatusCode.MisdirectedRequest, "not_leader");
        await cluster.WaitUntilConsistentAsync(0, 1, 2, 3, 4, 5);
    }

    [Fact]
    public async Task Admin_calls_need_the_token_and_FAILOVER_off_refuses_them()
    {
        await using var off = await TestCluster.StartAsync();
        using var anonymous = await off.Followers[0].PostAsync("/admin/promote", null, Ct);
        await Problem.AssertAsync(anonymous, HttpStatusCode.Unauthorized, "unauthorized");
        using var request = new HttpRequestMessage(HttpMethod.Post, "/admin/promote");
        request.Headers.Authorization = new("Bearer", "test-token");
        await Problem.AssertAsync(await off.Followers[0].SendAsync(request, Ct), HttpStatusCode.Conflict, FailoverCodes.FailoverOff);
    }
}
