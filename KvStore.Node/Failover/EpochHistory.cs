using System.Globalization;

namespace KvStore.Node.Failover;

/// <summary>Leadership <paramref name="Epoch"/> wrote its first entry at <paramref name="StartIndex"/>.</summary>
public readonly record struct EpochStart(long Epoch, long StartIndex);

/// <summary>
/// A log's epochs (as Kafka's leader-epoch checkpoint): the epoch of entry i is that of the last start at or before i,
/// so every entry carries its epoch without a byte on disk or on the wire. Invariants: epochs strictly increase and
/// starts never decrease; a follower's log is a prefix of its leader's only up to the end its last epoch has in the
/// leader's history, and anything past that was never acknowledged at quorum in any later epoch and is truncated.
/// </summary>
public static class EpochHistory
{
    public static readonly IReadOnlyList<EpochStart> Initial = [new(1, 1)];

    /// <summary>The epoch of the entry at <paramref name="index"/> (0 for index 0 or an empty history).</summary>
    public static long EpochAt(IReadOnlyList<EpochStart> history, long index)
    {
        long epoch = 0;
        foreach (var start in history)
        {
            if (start.StartIndex > index)
                break;
            epoch = start.Epoch;
        }

        return index <= 0 ? 0 : epoch;
    }

    /// <summary>
    /// The last index that entries of <paramref name="epoch"/> can have in a log with <paramref name="history"/>: one
    /// before the first later epoch's start; <see cref="long.MaxValue"/> while no later epoch exists.
    /// </summary>
    public static long EndOf(IReadOnlyList<EpochStart> history, long epoch)
    {
        foreach (var start in history)
        {
            if (start.Epoch > epoch)
                return start.StartIndex - 1;
        }

        return long.MaxValue;
    }

    /// <summary>
    /// How many of a follower's entries agree with the leader's log: its last index, or less when its last entries
    /// belong to an epoch that ended earlier in the leader's history (an old leader's unacknowledged tail).
    /// </summary>
    public static long AgreedPrefix(IReadOnlyList<EpochStart> follower, long followerLastIndex, IReadOnlyList<EpochStart> leader)
    {
        var index = followerLastIndex;
        // Walk back through the follower's epochs until one agrees with the leader's history.
        while (index > 0)
        {
            // The follower's entries of this epoch came from its leader, from the same start; a leader whose history
            // lacks the epoch has none of them, and one that has it has them up to the epoch's end there.
            var epoch = EpochAt(follower, index);
            var start = StartOf(follower, epoch);
            var end = leader.Any(s => s.Epoch == epoch) ? EndOf(leader, epoch) : start - 1;
            if (end >= index)
                return index;
            if (end >= start)
                return end;
            index = start - 1;
        }

        return 0;
    }

    /// <summary>Appends <paramref name="epoch"/> starting at <paramref name="startIndex"/>; older entries of the history are kept.</summary>
    public static IReadOnlyList<EpochStart> Begin(IReadOnlyList<EpochStart> history, long epoch, long startIndex)
    {
        if (history.Count > 0 && epoch <= history[^1].Epoch)
            throw new InvalidOperationException($"Epoch {epoch} does not follow {history[^1].Epoch}.");
        return [.. history.Where(s => s.StartIndex < startIndex), new EpochStart(epoch, startIndex)];
    }

    /// <summary>"1:1,3:57": epoch and start index pairs, as the replication handshake and the epochs file carry them.</summary>
    public static string Format(IReadOnlyList<EpochStart> history) =>
        string.Join(',', history.Select(s => string.Create(CultureInfo.InvariantCulture, $"{s.Epoch}:{s.StartIndex}")));

    public static IReadOnlyList<EpochStart>? Parse(string? text)
    {
        if (string.IsNullOrWhiteSpace(text))
            return null;
        var result = new List<EpochStart>();
        foreach (var pair in text.Split(',', StringSplitOptions.TrimEntries | StringSplitOptions.RemoveEmptyEntries))
        {
            var parts = pair.Split(':');
            if (parts.Length != 2 ||
                !long.TryParse(parts[0], NumberStyles.None, CultureInfo.InvariantCulture, out var epoch) ||
                !long.TryParse(parts[1], NumberStyles.None, CultureInfo.InvariantCulture, out var start) ||
                epoch < 1 || start < 1 || (result.Count > 0 && (epoch <= result[^1].Epoch || start < result[^1].StartIndex)))
            {
                return null;
            }

            result.Add(new EpochStart(epoch, start));
        }

        return result.Count == 0 ? null : result;
    }

    private static long StartOf(IReadOnlyList<EpochStart> history, long epoch) =>
        history.Where(s => s.Epoch == epoch).Select(s => s.StartIndex).DefaultIfEmpty(1).First();
}
