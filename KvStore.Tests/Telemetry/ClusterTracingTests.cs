using System.Net.Http.Json;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.Telemetry;

/// <summary>
/// A real 1 + 5 cluster of node processes exporting OTLP to the receiver hosted here: one write becomes one trace
/// holding the leader's write span and one replication span per follower, over either OTLP transport.
/// </summary>
public sealed class ClusterTracingTests
{
    private const double MinDelaySeconds = 0.002;
    private static readonly string[] Followers = ["follower1", "follower2", "follower3", "follower4", "follower5"];

    [Theory]
    [InlineData("grpc")]
    [InlineData("http/protobuf")]
    public async Task One_write_exports_a_trace_with_one_replication_span_per_follower_lasting_at_least_the_lag(string protocol)
    {
        await using var receiver = await OtlpReceiverHost.StartAsync();
        var ports = FreePorts.Take(6);
        var leaderUrl = $"http://127.0.0.1:{ports[0]}";
        Dictionary<string, string?> Environment(string name, string role) => new()
        {
            ["ROLE"] = role,
            ["REPLICATION_TOKEN"] = "telemetry-test",
            ["MIN_DELAY"] = MinDelaySeconds.ToString(System.Globalization.CultureInfo.InvariantCulture),
            ["MAX_DELAY"] = "0.005",
            ["OTEL_EXPORTER_OTLP_ENDPOINT"] = protocol == "grpc" ? receiver.GrpcUrl : receiver.HttpUrl,
            ["OTEL_EXPORTER_OTLP_PROTOCOL"] = protocol,
            ["OTEL_SERVICE_NAME"] = name,
            ["OTEL_BSP_SCHEDULE_DELAY"] = "200",
            ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
        };

        var followers = Followers.Select((name, i) =>
            new ProcessNode(name, ports[i + 1], new Dictionary<string, string?>(Environment(name, "follower")) { ["LEADER"] = leaderUrl })).ToList();
        var leaderEnvironment = Environment("leader", "leader");
        // By service name, as the AppHost wires them, so each replication span names its follower.
        leaderEnvironment["FOLLOWERS"] = string.Join(',', Followers);
        foreach (var follower in followers)
            leaderEnvironment[$"services__{follower.Name}__http__0"] = follower.Url;
        await using var leader = new ProcessNode("leader", ports[0], leaderEnvironment);
        try
        {
            followers.ForEach(f => f.Start());
            leader.Start();
            foreach (var node in followers.Prepend(leader))
                await node.WaitHealthyAsync(TimeSpan.FromSeconds(60)); // generous: other test collections start clusters on the same two cores

            var key = "traced-" + Guid.NewGuid().ToString("N")[..8];
            using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
            (await http.PostAsJsonAsync($"{leaderUrl}/write", new { key, value = 42 }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();

            var trace = await receiver.WaitForTraceAsync(t => WriteTrace.IsComplete(t, key, Followers.Length), $"the trace of the write of {key} over {protocol}");

            var write = WriteTrace.WriteSpan(trace, key)!;
            Assert.Equal("leader", write.Resource);
            Assert.Contains(write.Events, e => e.Name == "quorum reached");
            var replicate = WriteTrace.ReplicateSpans(trace, write);
            Assert.Equal(Followers, replicate.Select(s => s.Attributes["kv.follower"]?.ToString()).Order());
            Assert.All(replicate, s => Assert.True(
                s.DurationMs >= MinDelaySeconds * 1000, $"{s.Attributes["kv.follower"]}'s replication span lasted {s.DurationMs} ms, less than the {MinDelaySeconds * 1000} ms lag"));
            Assert.All(replicate, s => Assert.Equal("leader", s.Resource));
        }
        finally
        {
            foreach (var follower in followers)
                await follower.DisposeAsync();
        }
    }
}
