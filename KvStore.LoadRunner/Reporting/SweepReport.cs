using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Reporting;

/// <summary>How the sweep was run, recorded beside its rows so a result file explains itself.</summary>
internal sealed record SweepSettings(
    string Leader,
    int Followers,
    int Clients,
    int WritesPerClient,
    int Keys,
    int WarmupWritesPerClient,
    double MinDelaySeconds,
    double MaxDelaySeconds,
    double SettleTimeoutSeconds);

/// <summary>
/// One quorum's results. The first ten members are the contract for <c>sweep.json</c>; the rest add detail.
/// The consistency members are null when Ctrl+C ended the burst before they could be measured.
/// </summary>
internal sealed record SweepRow(
    int Quorum,
    double MeanMs,
    double P50Ms,
    double P95Ms,
    double P99Ms,
    double MaxMs,
    double OpsPerSec,
    long Errors,
    int? FollowersMatchingImmediately,
    bool? ConsistentAfterSettle,
    double FloorMs,
    long Writes,
    double? SettledAfterMs,
    SortedDictionary<string, long>? ErrorsByCode,
    IReadOnlyList<FollowerComparison>? Divergence,
    bool? Interrupted);

/// <summary>The whole of <c>sweep.json</c>.</summary>
internal sealed record SweepReport(SweepSettings Settings, IReadOnlyList<SweepRow> Rows, bool Interrupted);
