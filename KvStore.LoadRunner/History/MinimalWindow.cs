namespace KvStore.LoadRunner.History;

/// <summary>
/// The smallest failing sub-history of one key's non-linearizable history: a window of consecutive ops (by invoke)
/// that cannot be linearized on its own, while the window without its first or without its last op can.
/// Cutting a window out must not invent violations, so it is checked relaxed: it starts from any state (unless it
/// starts at the first op), and every write outside it that could still take effect before the window's last
/// completion is kept as "may have happened". A relaxed window that fails therefore proves the whole history fails.
/// </summary>
internal static class MinimalWindow
{
    public sealed record Window(IReadOnlyList<HistoryOp> Ops, IReadOnlyList<HistoryOp> MayHaveHappened, bool FromStart);

    public static Window Find(IReadOnlyList<HistoryOp> ops, int budget = Linearizability.DefaultBudget)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var sorted = ops.OrderBy(o => o.Invoke).ThenBy(o => o.Id).ToArray();

        // Failing is monotone in the window: a larger window only adds constraints. Binary search the end, then the start.
        var end = FirstFailing(0, sorted.Length - 1, last => Fails(sorted, 0, last, budget));
        var start = LastFailing(0, end, first => Fails(sorted, first, end, budget));
        var (window, relaxed, _) = Relax(sorted, start, end);
        return new Window(window, relaxed, start == 0);
    }

    /// <summary>Whether the relaxed window [first, last] cannot be linearized (an inconclusive search counts as not failing).</summary>
    public static bool Fails(IReadOnlyList<HistoryOp> sorted, int first, int last, int budget = Linearizability.DefaultBudget)
    {
        ArgumentNullException.ThrowIfNull(sorted);
        var (window, relaxed, initial) = Relax(sorted, first, last);
        return Linearizability.Check([.. window, .. relaxed], initial, budget) == Verdict.Violation;
    }

    private static (HistoryOp[] Window, HistoryOp[] Relaxed, RegisterState Initial) Relax(IReadOnlyList<HistoryOp> sorted, int first, int last)
    {
        var window = sorted.Skip(first).Take(last - first + 1).ToArray();
        var windowStart = window[0].Invoke;
        var windowEnd = window.Where(o => o.Outcome != OpOutcome.Unknown).Select(o => o.Complete).DefaultIfEmpty(long.MinValue).Max();
        var relaxed = new List<HistoryOp>();
        for (var i = 0; i < sorted.Count; i++)
        {
            var op = sorted[i];
            if (i >= first && i <= last || !op.ChangesState || op.Outcome == OpOutcome.Mismatch)
                continue;
            // Done before the window began: its effect is part of the window's unknown initial state.
            if (first > 0 && op.Outcome != OpOutcome.Unknown && op.Complete < windowStart)
                continue;
            // Invoked after every op of the window had to be done: it cannot come before any of them.
            if (op.Invoke > windowEnd)
                continue;
            relaxed.Add(op with { Outcome = OpOutcome.Unknown });
        }

        return (window, [.. relaxed], first == 0 ? RegisterState.Absent : RegisterState.Unknown);
    }

    private static int FirstFailing(int low, int high, Func<int, bool> fails)
    {
        while (low < high)
        {
            var mid = low + (high - low) / 2;
            if (fails(mid))
                high = mid;
            else
                low = mid + 1;
        }

        return low;
    }

    private static int LastFailing(int low, int high, Func<int, bool> fails)
    {
        while (low < high)
        {
            var mid = low + (high - low + 1) / 2;
            if (fails(mid))
                low = mid;
            else
                high = mid - 1;
        }

        return low;
    }
}
