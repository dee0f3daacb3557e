using System.Diagnostics;
using System.Diagnostics.Metrics;

namespace KvStore.Node.Telemetry;

/// <summary>The node's instruments (meter "KvStore.Node"); names follow OpenTelemetry's conventions.</summary>
public sealed class NodeMetrics
{
    public const string MeterName = "KvStore.Node";

    private readonly Histogram<double> _writeDuration;
    private readonly Histogram<double> _ackDuration;
    private readonly Counter<long> _quorumTimeouts;
    private readonly Counter<long> _entriesReplicated;
    private readonly Counter<long> _bytesReplicated;
    private readonly Counter<long> _reads;

    // Replication round trips on loopback take tenths of a millisecond; the SDK's default buckets start at 5 ms.
    private static readonly InstrumentAdvice<double> LatencyBuckets = new()
    {
        HistogramBucketBoundaries = [0.05, 0.1, 0.2, 0.3, 0.5, 0.75, 1, 1.5, 2, 3, 5, 7.5, 10, 25, 50, 100, 250, 500, 1000, 2500, 5000],
    };

    public NodeMetrics(IMeterFactory meters)
    {
        Meter = meters.Create(MeterName);
        _writeDuration = Meter.CreateHistogram("kvstore.write.duration", "ms", "Time from a write's arrival to its answer, by quorum and outcome.", advice: LatencyBuckets);
        _ackDuration = Meter.CreateHistogram("kvstore.replication.ack.duration", "ms", "Time from sending a replication message to the follower's acknowledgement, simulated lag included.", advice: LatencyBuckets);
        _quorumTimeouts = Meter.CreateCounter<long>("kvstore.write.quorum_timeouts", "{write}", "Writes answered 503 quorum_timeout.");
        _entriesReplicated = Meter.CreateCounter<long>("kvstore.replication.entries", "{entry}", "Log entries acknowledged by followers.");
        _bytesReplicated = Meter.CreateCounter<long>("kvstore.replication.bytes", "By", "Bytes of replication messages acknowledged by followers.");
        _reads = Meter.CreateCounter<long>("kvstore.reads", "{read}", "Reads served by this node, by outcome.");
    }

    public Meter Meter { get; }

    public void WriteCompleted(TimeSpan elapsed, int quorum, string outcome) =>
        _writeDuration.Record(elapsed.TotalMilliseconds, new TagList { { "kv.quorum", quorum }, { "kv.outcome", outcome } });

    public void QuorumTimedOut(int quorum) => _quorumTimeouts.Add(1, new KeyValuePair<string, object?>("kv.quorum", quorum));

    public void Acknowledged(string follower, TimeSpan latency, int entries, int bytes)
    {
        var tag = new KeyValuePair<string, object?>("kv.follower", follower);
        _ackDuration.Record(latency.TotalMilliseconds, tag);
        if (entries > 0)
        {
            _entriesReplicated.Add(entries, tag);
            _bytesReplicated.Add(bytes, tag);
        }
    }

    public void Read(string node, bool found) =>
        _reads.Add(1, new TagList { { "kv.node", node }, { "kv.outcome", found ? "hit" : "miss" } });

    /// <summary>Reports how often the write-ahead log has been forced to disk (with DATA_DIR).</summary>
    public void ObserveFsyncs(Func<long> fsyncs) =>
        Meter.CreateObservableCounter("kvstore.wal.fsyncs", fsyncs, "{fsync}", "Times this node's write-ahead log was forced to disk.");

    /// <summary>Reports each follower's lag in entries whenever metrics are collected.</summary>
    public void ObserveLag(Func<IEnumerable<(string Follower, long Lag)>> lags) =>
        Meter.CreateObservableGauge("kvstore.replication.lag", () => lags().Select(l =>
            new Measurement<long>(l.Lag, new KeyValuePair<string, object?>("kv.follower", l.Follower))), "{entry}", "Entries the leader has that a follower has not acknowledged.");
}
