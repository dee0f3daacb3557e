using KvStore.LoadRunner.History;
using KvStore.LoadRunner.Load;
using Spectre.Console;

namespace KvStore.LoadRunner.Reporting;

/// <summary>The history check's verdict on the console; a violation is shown as its smallest failing window.</summary>
internal static class HistoryConsole
{
    public static void Print(IAnsiConsole console, HistoryPlan plan, RecordedHistory history, HistoryVerdict verdict)
    {
        var dropped = history.Dropped.Count == 0 ? "none"
            : string.Join(", ", history.Dropped.OrderBy(d => d.Key, StringComparer.Ordinal).Select(d => $"{d.Key} {d.Value}"));
        console.WriteLine($"history: {history.LeaderOps.Count} leader ops and {history.FollowerReads.Count} follower reads over " +
            $"{plan.Keys} keys from {plan.Clients} clients (seed {plan.Seed}); " +
            $"{history.LeaderOps.Count(o => o.Outcome == OpOutcome.Mismatch)} CAS refused (412); errors: {dropped}");
        foreach (var key in verdict.Keys)
        {
            var unknown = history.LeaderOps.Count(o => o.Key == key.Key && o.Outcome == OpOutcome.Unknown);
            console.WriteLine($"  {key.Key}: {key.Ops} ops ({unknown} may have happened): {Describe(key.Verdict)}");
            if (key.Window is { } window)
                PrintWindow(console, window);
        }

        var answered = history.FollowerReads.Count(r => r.Error is null);
        console.WriteLine($"  follower reads with min_version: {answered} of {history.FollowerReads.Count} answered, " +
            $"{verdict.ReadYourWrites.Count} read-your-writes violation(s)");
        foreach (var violation in verdict.ReadYourWrites)
            console.WriteLine($"    {violation}");
        console.WriteLine(verdict.Passed ? "LINEARIZABLE: every key's history is, and every follower read showed the client's own writes"
            : "VIOLATION: " + (verdict.Linearizable ? "read-your-writes" : "not linearizable") + " (exit 1)");
    }

    private static string Describe(Verdict verdict) => verdict switch
    {
        Verdict.Linearizable => "linearizable",
        Verdict.Violation => "NOT LINEARIZABLE",
        _ => "INCONCLUSIVE (the search gave up; fewer ops or clients make it smaller)",
    };

    private static void PrintWindow(IAnsiConsole console, MinimalWindow.Window window)
    {
        var from = window.FromStart ? "from the key's creation" : "from any state";
        console.WriteLine($"    smallest failing sub-history ({window.Ops.Count} ops, {from}; times in µs):");
        foreach (var op in window.Ops)
            console.WriteLine($"      {op}");
        if (window.MayHaveHappened.Count > 0)
        {
            console.WriteLine("    with these writes outside it taken as may-have-happened:");
            foreach (var op in window.MayHaveHappened)
                console.WriteLine($"      {op}");
        }
    }
}
