using System.Diagnostics;

namespace KvStore.LoadRunner.Diagnostics;

/// <summary>
/// The load runner's spans. Each request is a client span; System.Net.Http's own span nests beneath it and carries
/// the traceparent to the node, so the OTLP export Program.cs starts when OTEL_EXPORTER_OTLP_ENDPOINT is set
/// shows a write with the leader's and followers' spans under it. Without a listener StartActivity returns null
/// and costs next to nothing, which matters at tens of thousands of requests a second.
/// </summary>
internal static class LoadRunnerTelemetry
{
    public const string SourceName = "KvStore.LoadRunner";

    public static readonly ActivitySource Source = new(SourceName, typeof(LoadRunnerTelemetry).Assembly.GetName().Version?.ToString());
}
