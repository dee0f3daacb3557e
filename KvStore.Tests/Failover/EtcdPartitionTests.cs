using System.Diagnostics;
using System.Net;
using System.Net.Http.Json;
using KvStore.Node.Api;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>
/// FAILOVER=etcd with the leader cut off from etcd alone (each node reaches etcd through its own proxy; the leader's is
/// cut, the leader itself keeps running and reaching its followers): the split-brain case a lease has to answer.
/// </summary>
[Collection(EtcdFailoverRunsAlone.Name)]
public sealed class EtcdPartitionTests
{
    private const int LeaseLost = 54;
    private static readonly TimeSpan Startup = TimeSpan.FromSeconds(30);

    private static ITestOutputHelper? Output => TestContext.Current.TestOutputHelper;

    [Fact]
    public async Task A_leader_cut_off_from_etcd_stops_acknowledging_before_another_leader_does_and_nothing_acknowledged_is_lost()
    {
        var proxies = new List<CuttableProxy>();
        try
        {
            await using var cluster = await EtcdFailoverCluster.StartAsync(etcdEndpoint: etcd => _ =>
            {
                var proxy = new CuttableProxy(new Uri(etcd.Endpoint));
                proxies.Add(proxy);
                return proxy.Url;
            });
            var old = await cluster.WaitForLeaderAsync(Startup, followersReached: 5);
            await using var writers = new FollowingWriters(cluster, clients: 3);
            await writers.WaitForAcksAsync(100, TimeSpan.FromSeconds(30));

            // One client keeps writing to the old leader whatever it answers: any write it acknowledges after another
            // node has taken over would be the second leader's acknowledgement the lease exists to prevent.
            using var stubborn = new CancellationTokenSource();
            var lastRefusal = "";
            var hammer = Task.Run(async () =>
            {
                for (var i = 0; !stubborn.IsCancellationRequested; i++)
                {
                    var key = $"k{i % 16}";
                    var value = 9_000_000 + i;
                    try
                    {
                        var sentAt = Stopwatch.GetTimestamp();
                        using var response = await cluster.WriteAsync(old, key, value);
                        if (response.StatusCode == HttpStatusCode.OK)
                        {
                            var written = (await response.Content.ReadFromJsonAsync<WriteResponse>(CancellationToken.None))!;
                            writers.Acked.Enqueue(new AckedWrite(key, value, written.Version, old, Stopwatch.GetTimestamp(), sentAt));
                        }
                        else
                        {
                            lastRefusal = $"{(int)response.StatusCode}";
                            await Task.Delay(20, CancellationToken.None);
                        }
                    }
                    catch (Exception e) when (e is HttpRequestException or TaskCanceledException)
                    {
                        lastRefusal = e.Message;
                    }
                }
            });

            proxies[old].Cut();
            var cutAt = Stopwatch.GetTimestamp();
            var first = await writers.FirstAckAfterAsync(cutAt, old, TimeSpan.FromSeconds(20));
            await writers.WaitForAcksAsync(50, TimeSpan.FromSeconds(30), after: first.At, notBy: old);
            await stubborn.CancelAsync();
            await hammer;
            await writers.StopAsync();

            var lastByOld = writers.Acked.Where(a => a.Node == old).Max(a => a.At);
            Output?.WriteLine($"node{old} cut from etcd; its last acknowledgement {Stopwatch.GetElapsedTime(cutAt, lastByOld).TotalMilliseconds:0} ms after the cut, " +
                $"node{first.Node}'s first {Stopwatch.GetElapsedTime(cutAt, first.At).TotalMilliseconds:0} ms after (old leader's last answer: {lastRefusal})");
            Assert.True(lastByOld < first.At,
                $"node{old} acknowledged a write {Stopwatch.GetElapsedTime(first.At, lastByOld).TotalMilliseconds:0} ms after node{first.Node} took its first");
            // The lease (2 s) lapses at most 2 s after the cut, and the node stops at 3/4 of it; without that check it would go
            // on acknowledging until its followers fenced it off for the new epoch, after the election. 0.5 s of slack for
            // answers still travelling on two loaded cores.
            Assert.True(Stopwatch.GetElapsedTime(cutAt, lastByOld) < TimeSpan.FromSeconds(2.5),
                $"node{old} went on acknowledging {Stopwatch.GetElapsedTime(cutAt, lastByOld).TotalMilliseconds:0} ms after it lost etcd (lease 2 s)");
            Assert.True(cluster.Logged(old, LeaseLost) >= 1, $"node{old} stopped without logging that it lost its lease");

            // Mended, the old leader follows the new epoch, and all six converge with every write either leader acknowledged.
            proxies[old].Mend();
            await Deadline.UntilAsync(() => cluster.TryClusterAsync(old), v => v is { Role: "follower" }, TimeSpan.FromSeconds(30),
                $"node{old} to follow", v => $"{v?.Role}@{v?.Epoch}");
            var data = await cluster.WaitUntilConsistentAsync(TimeSpan.FromSeconds(30), 0, 1, 2, 3, 4, 5);
            writers.AssertNoneLost(data);
        }
        finally
        {
            foreach (var proxy in proxies)
                await proxy.DisposeAsync();
        }
    }
}
