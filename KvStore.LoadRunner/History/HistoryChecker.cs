namespace KvStore.LoadRunner.History;

/// <summary>One key's verdict; <see cref="Window"/> is its smallest failing sub-history when it is a violation.</summary>
internal sealed record KeyVerdict(string Key, int Ops, Verdict Verdict, MinimalWindow.Window? Window);

internal sealed record HistoryVerdict(IReadOnlyList<KeyVerdict> Keys, IReadOnlyList<ReadYourWrites.Violation> ReadYourWrites)
{
    public bool Linearizable => Keys.All(k => k.Verdict == Verdict.Linearizable);

    public bool Passed => Linearizable && ReadYourWrites.Count == 0;
}

/// <summary>
/// Checks a whole recorded history: linearizability key by key (a register's history is linearizable exactly when
/// each key's is, so keys are checked apart, which keeps every search small), then the follower reads.
/// Each key is assumed not to exist when the history begins.
/// </summary>
internal static class HistoryChecker
{
    public static HistoryVerdict Check(IReadOnlyList<HistoryOp> leaderOps, IReadOnlyList<FollowerRead> followerReads, int budget = Linearizability.DefaultBudget)
    {
        ArgumentNullException.ThrowIfNull(leaderOps);
        var keys = new List<KeyVerdict>();
        foreach (var group in leaderOps.GroupBy(o => o.Key, StringComparer.Ordinal).OrderBy(g => g.Key, StringComparer.Ordinal))
        {
            var ops = group.ToArray();
            var verdict = Linearizability.Check(ops, RegisterState.Absent, budget);
            var window = verdict == Verdict.Violation ? MinimalWindow.Find(ops, budget) : null;
            keys.Add(new KeyVerdict(group.Key, ops.Length, verdict, window));
        }

        return new HistoryVerdict(keys, ReadYourWrites.Check(leaderOps, followerReads));
    }
}
