using System.Diagnostics;

namespace KvStore.LoadRunner.Diagnostics;

/// <summary>
/// Which writes are traced: one in <see cref="Every"/> (the first, then every N-th), none when it is 0. Under an
/// orchestrator that records every span, tracing every write makes the load the dashboard's: it ingests several spans
/// per node per write. An untraced write still carries a traceparent, marked not sampled, so nodes that follow their
/// caller's decision (parent-based sampling) record nothing for it; a node without a parent would trace it as a new root.
/// </summary>
internal sealed class WriteSampling(int every)
{
    /// <summary>
    /// One write in 10,000: a trace every second or two under a bench's load. One in 1,000 cost the AppHost a seventh of
    /// its write throughput, most of it the dashboard's own work ingesting those traces, which grows as it fills.
    /// </summary>
    public const int DefaultEvery = 10_000;

    public const string TraceparentHeader = "traceparent";

    /// <summary>Every write traced: the default for single writes and for callers that do not ask for sampling.</summary>
    public static readonly WriteSampling All = new(1);

    private long _writes;

    public int Every => every;

    /// <summary>True for the write to trace; called once per write, from any client's task.</summary>
    public bool Next() => every switch
    {
        1 => true,
        <= 0 => false,
        _ => Interlocked.Increment(ref _writes) % every == 1,
    };

    /// <summary>A W3C traceparent for a new trace that is not sampled (flags 00), for a request sent without any Activity.</summary>
    public static string UnsampledTraceparent() =>
        $"00-{ActivityTraceId.CreateRandom().ToHexString()}-{ActivitySpanId.CreateRandom().ToHexString()}-00";

    /// <summary>
    /// Makes the caller's flow untraced for the one request it is about to send, which then carries
    /// <see cref="UnsampledTraceparent"/> itself: no current Activity (under the sweep's sampled span of one quorum the
    /// request would otherwise be sampled with it), and, while a tracer listens, OpenTelemetry's instrumentation
    /// suppressed, so HttpClient starts no span either. An unrecorded Activity of our own with an HttpClient span beneath
    /// it, which is what carried the decision before, cost the load runner two Activities and the handler's diagnostics
    /// on every untraced request, on the cores the nodes it measures share. Call it at the start of an async method (its
    /// change to <see cref="Activity.Current"/> ends with that method) and dispose what it returns after the request.
    /// </summary>
    public static IDisposable? Untraced()
    {
        Activity.Current = null;
        return LoadRunnerTelemetry.Source.HasListeners() ? OpenTelemetry.SuppressInstrumentationScope.Begin() : null;
    }
}
