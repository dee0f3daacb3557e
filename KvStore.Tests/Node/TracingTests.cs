using System.Collections.Concurrent;
using System.Diagnostics;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Node.Telemetry;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Node;

/// <summary>The span structure of one write, observed through an ActivityListener on a real cluster.</summary>
public sealed class TracingTests
{
    [Fact]
    public async Task One_write_is_one_trace_with_one_replication_span_per_follower_lasting_at_least_its_lag()
    {
        var spans = new ConcurrentBag<Activity>();
        using var listener = new ActivityListener
        {
            // What an exporting TracerProvider listens to: the hops between processes need ASP.NET Core's and HttpClient's spans.
            ShouldListenTo = source => source.Name is NodeActivities.SourceName or "Microsoft.AspNetCore" or "System.Net.Http",
            Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllDataAndRecorded,
            ActivityStopped = spans.Add,
        };
        ActivitySource.AddActivityListener(listener);

        // Lag 2–5 ms, long enough to measure against timer resolution.
        await using var cluster = await TestCluster.StartAsync(new ClusterSettings { MinDelay = 0.002, MaxDelay = 0.005 });
        // The listener sees every cluster in this process; a unique key picks out this test's write.
        var key = $"traced-{Guid.NewGuid():N}";
        var response = await cluster.WriteAsync(key, 42, quorum: 5);
        response.EnsureSuccessStatusCode();
        var version = (await response.Content.ReadFromJsonAsync<JsonElement>()).GetProperty("version").GetInt64();

        var write = spans.Single(s => s.OperationName == NodeActivities.Write && Equals(s.GetTagItem(NodeActivities.KeyTag), key));
        Assert.Equal(version, write.GetTagItem(NodeActivities.VersionTag));
        var replicate = spans.Where(s => s.OperationName == NodeActivities.Replicate && s.ParentSpanId == write.SpanId).ToArray();

        Assert.Equal(5, replicate.Length);
        Assert.Equal(5, replicate.Select(s => s.GetTagItem(NodeActivities.FollowerTag)).Distinct().Count());
        Assert.All(replicate, s =>
        {
            Assert.Equal(write.TraceId, s.TraceId);
            Assert.Equal(version, s.GetTagItem(NodeActivities.LogIndexTag));
            Assert.True(s.Duration >= TimeSpan.FromMilliseconds(2), $"{s.GetTagItem(NodeActivities.FollowerTag)}: {s.Duration.TotalMilliseconds} ms");
            Assert.True((double)s.GetTagItem(NodeActivities.LagTag)! >= 2);
        });

        var quorum = Assert.Single(write.Events, e => e.Name == NodeActivities.QuorumReached);
        Assert.Equal(5, ((string[])quorum.Tags.Single(t => t.Key == NodeActivities.FollowersTag).Value!).Length);

        // Each follower's handling of the message joins the write's trace.
        var deadline = DateTime.UtcNow + TimeSpan.FromSeconds(5);
        while (spans.Count(s => s.OperationName == NodeActivities.Apply && s.TraceId == write.TraceId) < 5 && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.Equal(5, spans.Count(s => s.OperationName == NodeActivities.Apply && s.TraceId == write.TraceId));
    }
}
