using System.Diagnostics;
using System.Globalization;
using KvStore.LoadRunner;
using KvStore.Node.Telemetry;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.Node;

namespace KvStore.Tests.LoadRunner;

/// <summary>
/// <c>--trace-every N</c>: the load runner traces one write in N end to end (its span, the leader's request, kv.write,
/// the followers' kv.apply) and the nodes, sampling parent-based, record nothing at all for the others.
/// </summary>
[Collection(ProcessWideTracing.Name)]
public sealed class TraceSamplingTests
{
    private const int Followers = 2;

    [Theory]
    [InlineData(1, 3, "2", 3)]
    [InlineData(2, 5, "2", 3)]
    [InlineData(0, 4, "2", 0)]
    // Sampling starts again with each quorum: the first write of each is traced, however large N is.
    [InlineData(100, 3, "1,2", 2)]
    public async Task Sweep_traces_one_write_in_N_with_its_whole_trace_and_leaves_no_span_for_the_others(int every, int writes, string quorums, int traced)
    {
        await using var cluster = await TracedCluster.StartAsync("parentbased_always_on", Followers);
        using var dir = new TempDirectory();
        var leaderPort = cluster.Cluster.LeaderPort;

        var result = await LoadRunnerCli.RunAsync(
            "sweep", "--leader", cluster.Cluster.LeaderUrl, "--quorums", quorums,
            "--clients", "1", "--writes", writes.ToString(CultureInfo.InvariantCulture), "--warmup", "0", "--settle", "10s",
            "--trace-every", every.ToString(CultureInfo.InvariantCulture), "--out", dir.Path);
        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());

        // The consistency check's GET /data comes after the last write; by the time it is recorded, every write's request span is in.
        var spans = await cluster.Spans.WaitForAsync(
            s => RecordedSpans.ServerSpans(s, leaderPort).Any(r => r.DisplayName == "GET /data") &&
                LoadRunnerWrites(s).All(w => IsWhole(s, w, leaderPort)),
            "the sweep's traces");

        Assert.Equal(traced, RecordedSpans.ServerSpans(spans, leaderPort).Count(s => s.DisplayName == "POST /write"));
        Assert.Equal(traced, spans.Count(s => s.OperationName == NodeActivities.Write));
        Assert.Equal(traced, LoadRunnerWrites(spans).Count());
        Assert.Equal(traced * Followers, spans.Count(s => s.OperationName == NodeActivities.Apply));
    }

    private static IEnumerable<Activity> LoadRunnerWrites(IEnumerable<Activity> spans) =>
        spans.Where(s => s.Source.Name == "KvStore.LoadRunner" && s.OperationName == "kvstore.write");

    /// <summary>
    /// The write's own spans beneath the load runner's (the sweep's writes share one trace per quorum, so by parent, not
    /// trace id): the leader's request and kv.write, one kv.replicate per follower and each follower's kv.apply.
    /// </summary>
    private static bool IsWhole(IReadOnlyCollection<Activity> spans, Activity write, int leaderPort)
    {
        var below = Descendants(spans, write);
        return RecordedSpans.ServerSpans(below, leaderPort).Count(s => s.DisplayName == "POST /write") == 1 &&
            below.Count(s => s.OperationName == NodeActivities.Write) == 1 &&
            below.Count(s => s.OperationName == NodeActivities.Replicate) == Followers &&
            below.Count(s => s.OperationName == NodeActivities.Apply) == Followers;
    }

    private static List<Activity> Descendants(IReadOnlyCollection<Activity> spans, Activity root)
    {
        var found = new List<Activity>();
        var parents = new Queue<ActivitySpanId>([root.SpanId]);
        while (parents.TryDequeue(out var parent))
        {
            foreach (var child in spans.Where(s => s.ParentSpanId == parent))
            {
                found.Add(child);
                parents.Enqueue(child.SpanId);
            }
        }

        return found;
    }
}
