using System.Text.Json;
using System.Text.Json.Serialization;
using KvStore.LoadRunner.History;
using KvStore.LoadRunner.Load;

namespace KvStore.LoadRunner.Reporting;

internal sealed record HistoryKeyReport(string Key, int Ops, Verdict Verdict, IReadOnlyList<HistoryOp>? FailingWindow, IReadOnlyList<HistoryOp>? MayHaveHappened);

/// <summary>history.json: the plan, every recorded operation (times in µs from the start) and the verdict.</summary>
internal sealed record HistoryReport(
    HistoryPlan Plan, bool Passed, IReadOnlyList<HistoryKeyReport> Keys, IReadOnlyList<string> ReadYourWritesViolations,
    IReadOnlyList<HistoryOp> LeaderOps, IReadOnlyList<FollowerRead> FollowerReads, IReadOnlyDictionary<string, int> Errors)
{
    public static string Json(HistoryPlan plan, RecordedHistory history, HistoryVerdict verdict)
    {
        ArgumentNullException.ThrowIfNull(history);
        ArgumentNullException.ThrowIfNull(verdict);
        var keys = verdict.Keys.Select(k => new HistoryKeyReport(k.Key, k.Ops, k.Verdict, k.Window?.Ops, k.Window?.MayHaveHappened)).ToArray();
        var report = new HistoryReport(plan, verdict.Passed, keys, [.. verdict.ReadYourWrites.Select(v => v.ToString())],
            history.LeaderOps, history.FollowerReads, history.Dropped);
        return JsonSerializer.Serialize(report, HistoryJsonContext.Default.HistoryReport);
    }
}

[JsonSourceGenerationOptions(JsonSerializerDefaults.Web, WriteIndented = true, UseStringEnumConverter = true,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(HistoryReport))]
internal sealed partial class HistoryJsonContext : JsonSerializerContext;
