namespace KvStore.LoadRunner.History;

/// <summary>
/// Follower reads with <c>min_version</c>: a read that answered must show the client's own acknowledged write or a
/// later one (version at least <c>min_version</c>), and what it shows must be a value some write of the history gave
/// the key at that version. Reads that answered an error are not violations: waiting too long is allowed.
/// </summary>
internal static class ReadYourWrites
{
    public sealed record Violation(FollowerRead Read, string Reason)
    {
        public override string ToString() => $"{Read}: {Reason}";
    }

    public static IReadOnlyList<Violation> Check(IReadOnlyList<HistoryOp> leaderOps, IReadOnlyList<FollowerRead> reads)
    {
        ArgumentNullException.ThrowIfNull(leaderOps);
        ArgumentNullException.ThrowIfNull(reads);
        var written = leaderOps
            .Where(o => o.ChangesState && o.Outcome != OpOutcome.Mismatch)
            .GroupBy(o => o.Key, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.ToList(), StringComparer.Ordinal);

        var violations = new List<Violation>();
        foreach (var read in reads.Where(r => r.Error is null))
        {
            if (read.Version < read.MinVersion)
            {
                violations.Add(new Violation(read, $"older than the client's own write at version {read.MinVersion}"));
                continue;
            }

            if (read.Version == 0)
                continue;
            var writes = written.GetValueOrDefault(read.Key) ?? [];
            // A write that timed out before naming its version may be the one: its value is unique to it.
            if (!writes.Any(w => w.Value == read.Value && (w.Version == read.Version || w.Version is null)))
                violations.Add(new Violation(read, "no write gave the key this value at this version"));
        }

        return violations;
    }
}
