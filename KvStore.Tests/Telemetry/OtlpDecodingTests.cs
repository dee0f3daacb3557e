using System.Buffers;
using System.Diagnostics;
using System.Diagnostics.Metrics;
using KvStore.AppHost.Telemetry.Otlp.Collector.Trace;
using KvStore.AppHost.Telemetry.Receiver;
using KvStore.AppHost.Telemetry.Storage;
using KvStore.Tests.AppHost;
using Microsoft.Extensions.Logging;
using OpenTelemetry;
using OpenTelemetry.Exporter;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Resources;
using OpenTelemetry.Trace;

namespace KvStore.Tests.Telemetry;

/// <summary>
/// The receiver decodes what the real OpenTelemetry SDK exporter sends, over gRPC (hand-framed HTTP/2) and HTTP/protobuf:
/// spans with attributes, events and links; histograms; log records tied to their span.
/// </summary>
public sealed class OtlpDecodingTests
{
    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Spans_from_the_sdk_exporter_arrive_with_attributes_events_and_links(OtlpExportProtocol protocol)
    {
        await using var receiver = await OtlpReceiverHost.StartAsync();
        var sourceName = "KvStore.Tests.Otlp." + Guid.NewGuid().ToString("N");
        using var source = new ActivitySource(sourceName);
        using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(sourceName)
            .ConfigureResource(r => r.AddService("decoder-test"))
            .AddOtlpExporter(o => Configure(o, receiver, protocol, "/v1/traces"))
            .Build();

        ActivityContext linked;
        using (var other = source.StartActivity("other"))
            linked = other!.Context;
        string traceId;
        using (var parent = source.StartActivity("parent", ActivityKind.Server, default(ActivityContext), links: [new ActivityLink(linked)]))
        {
            traceId = parent!.TraceId.ToHexString();
            parent.SetTag("kv.key", "k1").SetTag("kv.version", 42L).SetTag("kv.followers", new[] { "follower1", "follower2" });
            parent.AddEvent(new ActivityEvent("quorum reached", tags: new ActivityTagsCollection { ["kv.quorum"] = 2 }));
            using var child = source.StartActivity("child");
        }

        Assert.True(tracing.ForceFlush(10_000), "the exporter did not flush");
        var trace = receiver.Traces.Get(traceId);

        Assert.NotNull(trace);
        Assert.Equal("parent", trace.RootName);
        Assert.Equal(["parent", "child"], trace.Spans.Select(s => s.Name));
        Assert.Equal([0, 1], trace.Spans.Select(s => s.Depth));
        var parentSpan = trace.Spans[0];
        Assert.Equal("decoder-test", parentSpan.Resource);
        Assert.Equal("server", parentSpan.Kind);
        Assert.Equal("k1", parentSpan.Attributes["kv.key"]);
        Assert.Equal(42L, parentSpan.Attributes["kv.version"]);
        Assert.Equal(new object?[] { "follower1", "follower2" }, (object?[])parentSpan.Attributes["kv.followers"]!);
        var quorum = Assert.Single(parentSpan.Events);
        Assert.Equal("quorum reached", quorum.Name);
        Assert.Equal(2L, quorum.Attributes["kv.quorum"]);
        Assert.Equal(linked.SpanId.ToHexString(), Assert.Single(parentSpan.Links).SpanId);
    }

    [Theory]
    [InlineData(OtlpExportProtocol.Grpc)]
    [InlineData(OtlpExportProtocol.HttpProtobuf)]
    public async Task Histograms_and_logs_from_the_sdk_exporter_arrive(OtlpExportProtocol protocol)
    {
        await using var receiver = await OtlpReceiverHost.StartAsync();
        var meterName = "KvStore.Tests.Otlp." + Guid.NewGuid().ToString("N");
        using var meter = new Meter(meterName);
        var histogram = meter.CreateHistogram<double>("test.ack.duration", "ms");
        using var metrics = Sdk.CreateMeterProviderBuilder().AddMeter(meterName)
            .ConfigureResource(r => r.AddService("decoder-test"))
            .AddOtlpExporter(o => Configure(o, receiver, protocol, "/v1/metrics"))
            .Build();
        using var logging = LoggerFactory.Create(b => b.AddOpenTelemetry(o =>
        {
            o.SetResourceBuilder(ResourceBuilder.CreateDefault().AddService("decoder-test"));
            o.IncludeFormattedMessage = true;
            o.AddOtlpExporter(e => Configure(e, receiver, protocol, "/v1/logs"));
        }));

        foreach (var value in new[] { 1.0, 3.0, 7.0 })
            histogram.Record(value, new KeyValuePair<string, object?>("kv.follower", "follower1"));
        Assert.True(metrics.ForceFlush(10_000));
        histogram.Record(20.0, new KeyValuePair<string, object?>("kv.follower", "follower1"));
        Assert.True(metrics.ForceFlush(10_000));

        using var source = new ActivitySource("KvStore.Tests.Logs");
        using var listener = new ActivityListener { ShouldListenTo = s => s == source, Sample = (ref ActivityCreationOptions<ActivityContext> _) => ActivitySamplingResult.AllData };
        ActivitySource.AddActivityListener(listener);
        string traceId;
        using (var activity = source.StartActivity("logged"))
        {
            traceId = activity!.TraceId.ToHexString();
            logging.CreateLogger("KvStore.Tests").LogWarning("follower {Follower} is {Lag} entries behind", "follower3", 12);
        }

        logging.Dispose(); // flushes the log exporter

        var series = Assert.Single(receiver.Metrics.Find("test.ack.duration", "decoder-test"));
        Assert.Equal("follower1", series.Attributes["kv.follower"]);
        Assert.Equal("ms", series.Unit);
        Assert.Equal([3UL, 4UL], series.Histograms.Select(p => p.Count));
        var log = Assert.Single(receiver.Logs.Query(new LogQuery("decoder-test", 0, null, null, 10)));
        Assert.Equal("follower follower3 is 12 entries behind", log.Message);
        Assert.Equal("Warning", log.Severity);
        Assert.Equal(traceId, log.TraceId);
        Assert.Equal("follower3", log.Attributes["Follower"]);
    }

    [Fact]
    public async Task With_an_api_key_configured_exports_without_it_are_refused_and_with_it_accepted()
    {
        await using var receiver = await OtlpReceiverHost.StartAsync(new Dictionary<string, string?> { ["Dashboard:OtlpApiKey"] = "s3cret-key" });
        foreach (var (protocol, header, accepted) in new[]
                 {
                     (OtlpExportProtocol.Grpc, "", false), (OtlpExportProtocol.HttpProtobuf, "", false),
                     (OtlpExportProtocol.Grpc, "x-otlp-api-key=s3cret-key", true), (OtlpExportProtocol.HttpProtobuf, "x-otlp-api-key=s3cret-key", true),
                 })
        {
            var sourceName = "KvStore.Tests.Key." + Guid.NewGuid().ToString("N");
            using var source = new ActivitySource(sourceName);
            using var tracing = Sdk.CreateTracerProviderBuilder().AddSource(sourceName)
                .AddOtlpExporter(o =>
                {
                    Configure(o, receiver, protocol, "/v1/traces");
                    o.Headers = header;
                })
                .Build();
            string traceId;
            using (var activity = source.StartActivity("keyed"))
                traceId = activity!.TraceId.ToHexString();
            tracing.ForceFlush(10_000);
            Assert.True(accepted == (receiver.Traces.Get(traceId) is not null), $"{protocol} with '{header}' should be {(accepted ? "accepted" : "refused")}");
        }
    }

    [Fact]
    public async Task A_grpc_call_gets_its_response_frame_and_status_trailer_and_a_bad_message_gets_invalid_argument()
    {
        await using var receiver = await OtlpReceiverHost.StartAsync();
        using var http = new HttpClient();

        async Task<HttpResponseMessage> CallAsync(byte[] body)
        {
            // h2c with prior knowledge, as gRPC clients speak to an http:// endpoint; a request message carries its own version.
            var request = new HttpRequestMessage(HttpMethod.Post, receiver.GrpcUrl + OtlpGrpcApi.TracesPath)
            {
                Content = new ByteArrayContent(body),
                Version = System.Net.HttpVersion.Version20,
                VersionPolicy = HttpVersionPolicy.RequestVersionExact,
            };
            request.Content.Headers.ContentType = new("application/grpc");
            request.Headers.TryAddWithoutValidation("te", "trailers");
            return await http.SendAsync(request, TestContext.Current.CancellationToken);
        }

        using var ok = await CallAsync(GrpcFrame.Encode(new ExportTraceServiceRequest()));
        var frame = new ReadOnlySequence<byte>(await ok.Content.ReadAsByteArrayAsync(TestContext.Current.CancellationToken));
        Assert.True(GrpcFrame.TryRead(ref frame, 1024, out var compressed, out var message));
        Assert.False(compressed);
        Assert.NotNull(ExportTraceServiceResponse.Parser.ParseFrom(message));
        Assert.Equal("0", ok.TrailingHeaders.GetValues("grpc-status").Single());

        using var bad = await CallAsync([0, 0, 0, 0, 3, 0xff, 0xff, 0xff]);
        Assert.Equal("3", bad.Headers.GetValues("grpc-status").Single());
    }

    private static void Configure(OtlpExporterOptions options, OtlpReceiverHost receiver, OtlpExportProtocol protocol, string httpPath)
    {
        options.Protocol = protocol;
        // Set in code, the HTTP endpoint is the signal's full URL (only OTEL_EXPORTER_OTLP_ENDPOINT gets the path appended).
        options.Endpoint = new Uri(protocol == OtlpExportProtocol.Grpc ? receiver.GrpcUrl : receiver.HttpUrl + httpPath);
        options.ExportProcessorType = ExportProcessorType.Simple;
    }
}
