using KvStore.AppHost.Telemetry;
using KvStore.AppHost.Telemetry.Storage;
using KvStore.Tests.AppHost;
using KvStore.Tests.Infrastructure;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.Tests.Telemetry;

/// <summary>The AppHost's OTLP receiver hosted in the test process on free loopback ports, with its stores at hand.</summary>
public sealed class OtlpReceiverHost : IAsyncDisposable
{
    private readonly WebApplication _app;

    private OtlpReceiverHost(WebApplication app, string grpcUrl, string httpUrl)
    {
        _app = app;
        GrpcUrl = grpcUrl;
        HttpUrl = httpUrl;
    }

    public string GrpcUrl { get; }

    public string HttpUrl { get; }

    internal TraceStore Traces => _app.Services.GetRequiredService<TraceStore>();

    internal LogStore Logs => _app.Services.GetRequiredService<LogStore>();

    internal MetricStore Metrics => _app.Services.GetRequiredService<MetricStore>();

    public static async Task<OtlpReceiverHost> StartAsync(IDictionary<string, string?>? settings = null)
    {
        var ports = FreePorts.Take(2);
        var (grpcUrl, httpUrl) = ($"http://127.0.0.1:{ports[0]}", $"http://127.0.0.1:{ports[1]}");
        var builder = WebApplication.CreateSlimBuilder();
        builder.Configuration.AddInMemoryCollection(new Dictionary<string, string?>(settings ?? new Dictionary<string, string?>())
        {
            ["Dashboard:OtlpGrpcUrl"] = grpcUrl,
            ["Dashboard:OtlpHttpUrl"] = httpUrl,
            ["Logging:LogLevel:Default"] = "Warning",
        });
        builder.AddTelemetryReceiver();
        var app = builder.Build();
        app.MapOtlpReceiver();
        await app.StartAsync();
        return new OtlpReceiverHost(app, grpcUrl, httpUrl);
    }

    /// <summary>Polls the stored traces until one satisfies <paramref name="done"/>.</summary>
    public Task<TraceView> WaitForTraceAsync(Func<TraceView, bool> done, string what, TimeSpan? timeout = null) =>
        Deadline.UntilAsync(
            () => Task.FromResult(Traces.Query(null, 0, 1_000).FirstOrDefault(done)),
            trace => trace is not null,
            timeout ?? TimeSpan.FromSeconds(20),
            what,
            _ => $"{Traces.TraceCount} traces, {Traces.SpanCount} spans: {string.Join("; ", Traces.Query(null, 0, 5).Select(t => $"{t.RootName} [{string.Join(",", t.Spans.Select(s => s.Name))}]"))}")!;

    public async ValueTask DisposeAsync()
    {
        await _app.StopAsync();
        await _app.DisposeAsync();
    }
}
