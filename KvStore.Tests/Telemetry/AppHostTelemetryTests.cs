using System.Net.Http.Json;
using KvStore.AppHost.Telemetry.Api;
using KvStore.AppHost.Telemetry.Storage;
using KvStore.Tests.AppHost;

namespace KvStore.Tests.Telemetry;

/// <summary>The AppHost process receives its nodes' OTLP and serves their traces at <c>/api/traces</c>, behind the login.</summary>
[Collection(AppHostGroup.Name)]
public sealed class AppHostTelemetryTests(AppHostFixture fixture)
{
    private AppHostProcess AppHost => fixture.AppHost;

    [Fact]
    public async Task After_one_write_api_traces_returns_its_trace_with_five_replication_spans()
    {
        var key = await WriteAsync(AppHost);
        var trace = await WaitForWriteTraceAsync(AppHost, key);

        var write = WriteTrace.WriteSpan(trace, key)!;
        var replicate = WriteTrace.ReplicateSpans(trace, write);
        Assert.Equal(5, replicate.Count);
        Assert.Equal(["follower1", "follower2", "follower3", "follower4", "follower5"], replicate.Select(s => s.Attributes["kv.follower"]?.ToString()).Order());
        Assert.Contains("leader", trace.Resources);
        Assert.NotEmpty(trace.RootName);

        // The same trace by id, and nothing without the login.
        var byId = await AppHost.Api.GetFromJsonAsync<TraceView>($"/api/traces/{trace.TraceId}", AppHostProcess.Json, TestContext.Current.CancellationToken);
        Assert.Equal(trace.TraceId, byId!.TraceId);
        Assert.True(byId.SpanCount >= trace.SpanCount, "spans arriving later only add to a trace");
        using var anonymous = new HttpClient { BaseAddress = new Uri(AppHost.DashboardUrl) };
        Assert.Equal(System.Net.HttpStatusCode.Unauthorized, (await anonymous.GetAsync("/api/traces", TestContext.Current.CancellationToken)).StatusCode);
    }

    /// <summary>A write through the dashboard's KV explorer API; returns its key.</summary>
    public static async Task<string> WriteAsync(AppHostProcess appHost)
    {
        var key = "otel-" + Guid.NewGuid().ToString("N")[..8];
        (await appHost.Api.PostAsJsonAsync("/api/kv/write", new { key, value = 7 }, TestContext.Current.CancellationToken)).EnsureSuccessStatusCode();
        return key;
    }

    public static Task<TraceView> WaitForWriteTraceAsync(AppHostProcess appHost, string key) =>
        Deadline.UntilAsync(
            async () => (await appHost.Api.GetFromJsonAsync<TraceList>("/api/traces?resource=leader&limit=50", AppHostProcess.Json, TestContext.Current.CancellationToken))!,
            list => list.Traces.Any(t => WriteTrace.IsComplete(t, key, 5)),
            TimeSpan.FromSeconds(30),
            $"the trace of the write of {key} at /api/traces",
            list => $"{list.Traces.Count} traces: {string.Join("; ", list.Traces.Take(5).Select(t => $"{t.RootName} ({t.SpanCount} spans)"))}")
        .ContinueWith(t => t.Result.Traces.First(trace => WriteTrace.IsComplete(trace, key, 5)), TaskScheduler.Default);
}
