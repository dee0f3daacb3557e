using System.Collections.Concurrent;
using System.Diagnostics;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Hosting;
using Microsoft.AspNetCore.Http;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Trace;

namespace KvStore.Tests.Infrastructure;

/// <summary>
/// The spans the nodes' own OpenTelemetry providers record, as their exporter would get them: each node's provider is
/// handed this processor beside its OTLP exporter. Providers in one process all see every ActivitySource in it, so each
/// span reaches every node's provider; it is kept once, by span id. Only recorded spans are kept, as exporters do.
/// </summary>
public sealed class RecordedSpans : BaseProcessor<Activity>
{
    private readonly ConcurrentDictionary<ActivitySpanId, Activity> _spans = new();

    public IReadOnlyCollection<Activity> All => _spans.Values.ToArray();

    /// <summary>Adds this collector to the node's tracer provider (it has one only when OTEL_EXPORTER_OTLP_ENDPOINT is set).</summary>
    public void AddTo(WebApplicationBuilder builder) =>
        builder.Services.ConfigureOpenTelemetryTracerProvider(tracing => tracing.AddProcessor(this));

    public override void OnEnd(Activity data)
    {
        if (data.Recorded)
            _spans.TryAdd(data.SpanId, data);
    }

    /// <summary>Polls until <paramref name="done"/> holds for the spans recorded so far, or fails after <paramref name="timeout"/>.</summary>
    public async Task<IReadOnlyCollection<Activity>> WaitForAsync(Func<IReadOnlyCollection<Activity>, bool> done, string what, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(15));
        while (true)
        {
            var spans = All;
            if (done(spans))
                return spans;
            if (DateTime.UtcNow > deadline)
                Assert.Fail($"{what} was not recorded within the deadline; {spans.Count} spans: " +
                    string.Join(", ", spans.Select(s => s.DisplayName).Distinct().Take(30)));
            await Task.Delay(20);
        }
    }

    /// <summary>The server spans ASP.NET Core recorded for requests to <paramref name="port"/>.</summary>
    public static IEnumerable<Activity> ServerSpans(IEnumerable<Activity> spans, int port) => spans.Where(s =>
        s.Source.Name == "Microsoft.AspNetCore" && s.Kind == ActivityKind.Server && Equals(s.GetTagItem("server.port"), port));
}

/// <summary>
/// An OTLP/HTTP endpoint that takes every export and keeps nothing but a count of the trace exports, so that a node's
/// exporter has somewhere to send to (the spans a test looks at in process come through <see cref="RecordedSpans"/>).
/// </summary>
public sealed class OtlpSink : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpSink(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    private int _traceExports;

    public string Url { get; }

    public static async Task<OtlpSink> StartAsync()
    {
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        var builder = WebApplication.CreateSlimBuilder();
        builder.Logging.ClearProviders();
        builder.WebHost.UseUrls(url);
        var app = builder.Build();
        var sink = new OtlpSink(app, url);
        app.MapPost("/{**signal}", (string signal) =>
        {
            // An exporter sends a batch only when it holds spans, so each POST here is at least one span someone recorded.
            if (signal == "v1/traces")
                Interlocked.Increment(ref sink._traceExports);
            return Results.Bytes([], "application/x-protobuf");
        });
        await app.StartAsync();
        return sink;
    }

    /// <summary>How many trace exports (batches of at least one span) have arrived.</summary>
    public int TraceExports => Volatile.Read(ref _traceExports);

    /// <summary>The settings that turn a node's telemetry on, exporting here; nothing leaves on a timer during a test.</summary>
    public Dictionary<string, string?> NodeSettings(string? sampler) => new()
    {
        ["OTEL_EXPORTER_OTLP_ENDPOINT"] = Url,
        ["OTEL_EXPORTER_OTLP_PROTOCOL"] = "http/protobuf",
        ["OTEL_TRACES_SAMPLER"] = sampler,
        ["OTEL_BSP_SCHEDULE_DELAY"] = "60000",
        ["OTEL_BLRP_SCHEDULE_DELAY"] = "60000",
        ["OTEL_METRIC_EXPORT_INTERVAL"] = "60000",
    };

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
