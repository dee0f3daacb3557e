using System.Diagnostics;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Failover;

/// <summary>
/// Under FAILOVER=etcd every follower reads and watches the leader key for as long as a leader holds it. A dashboard
/// keeps a bounded number of traces, so if each of those calls were a trace, an idle cluster would soon have evicted the
/// traces of its writes. The election itself is traced; the watching is not.
/// </summary>
[Collection(EtcdFailoverRunsAlone.Name)]
public sealed class EtcdTracingTests
{
    /// <summary>Each follower reads and watches the key once per watch (at most 2 s): this window holds three rounds.</summary>
    private static readonly TimeSpan Idle = TimeSpan.FromSeconds(6.5);

    private static readonly TimeSpan Quiet = TimeSpan.FromSeconds(1.5);

    [Fact]
    public async Task An_idle_cluster_with_a_leader_exports_no_traces()
    {
        await using var sink = await OtlpSink.StartAsync();
        var telemetry = sink.NodeSettings("parentbased_always_on");
        // Spans leave within a tenth of a second, so a trace recorded in the window is exported in it.
        telemetry["OTEL_BSP_SCHEDULE_DELAY"] = "100";
        await using var cluster = await EtcdFailoverCluster.StartAsync(environment: telemetry);
        await cluster.WaitForLeaderAsync(TimeSpan.FromSeconds(30), followersReached: 5);
        Assert.True(sink.TraceExports > 0, "the election (claim, fencing) and the test's own GET /cluster calls are traced");

        // The election's traces and the test's polls have been exported once nothing has arrived for a while.
        var last = (Count: sink.TraceExports, At: Stopwatch.GetTimestamp());
        await Deadline.UntilAsync(() =>
        {
            if (sink.TraceExports != last.Count)
                last = (sink.TraceExports, Stopwatch.GetTimestamp());
            return Stopwatch.GetElapsedTime(last.At) >= Quiet;
        }, TimeSpan.FromSeconds(30), "1.5 s without a trace export (the election's traces sent, and nothing more arriving)");

        // Absence can only be observed over a window: three rounds of every follower's read and watch.
        var before = sink.TraceExports;
        await Task.Delay(Idle, TestContext.Current.CancellationToken);
        Assert.Equal(before, sink.TraceExports);
    }
}
