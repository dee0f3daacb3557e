using KvStore.LoadRunner.Measurement;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// The whole of <c>bench.json</c>. <see cref="Latency"/> is measured from each request's intended start in an open
/// loop (so stalls are not hidden) and <see cref="ServiceTime"/> from its actual send; in a closed loop the two are the
/// same and only <see cref="Latency"/> is written. With reads (<see cref="ReadRatio"/> above 0) the totals count both
/// kinds; <see cref="ReadLatency"/> and <see cref="WriteLatency"/> give each kind apart when the run mixed them.
/// </summary>
internal sealed record BenchReport(
    string Leader,
    string Mode,
    int Clients,
    int Quorum,
    double DurationSeconds,
    double WarmupSeconds,
    bool? WarmupSteady,
    double? TargetRate,
    long? ScheduledRequests,
    long Requests,
    long Succeeded,
    long Errors,
    double OpsPerSec,
    LatencySummary Latency,
    LatencySummary? ServiceTime,
    SortedDictionary<string, long> ErrorsByCode,
    bool Interrupted,
    double ReadRatio = 0,
    string? ReadsOn = null,
    long SucceededReads = 0,
    long SucceededWrites = 0,
    LatencySummary? ReadLatency = null,
    LatencySummary? WriteLatency = null,
    List<LeaderWrites>? Leaders = null);

/// <summary>One leader the bench's writes went to (more than one when it followed a leader change) and the writes it acknowledged.</summary>
internal sealed record LeaderWrites(string Leader, long Writes);
