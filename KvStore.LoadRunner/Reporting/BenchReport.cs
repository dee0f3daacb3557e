using KvStore.LoadRunner.Measurement;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// The whole of <c>bench.json</c>. <see cref="Latency"/> is measured from each request's intended start in an open
/// loop (so stalls are not hidden) and <see cref="ServiceTime"/> from its actual send; in a closed loop the two are the
/// same and only <see cref="Latency"/> is written.
/// </summary>
internal sealed record BenchReport(
    string Leader,
    string Mode,
    int Clients,
    int Quorum,
    double DurationSeconds,
    double WarmupSeconds,
    double? TargetRate,
    long? ScheduledRequests,
    long Requests,
    long Succeeded,
    long Errors,
    double OpsPerSec,
    LatencySummary Latency,
    LatencySummary? ServiceTime,
    SortedDictionary<string, long> ErrorsByCode,
    bool Interrupted);
