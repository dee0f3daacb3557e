using System.Globalization;

namespace KvStore.LoadRunner.Commands;

/// <summary>Quorum lists for <c>--quorums</c>: <c>1-5</c>, <c>1,3,5</c>, <c>0-2,5</c>; sorted, without repeats.</summary>
internal static class QuorumListParser
{
    public static bool TryParse(string? text, out IReadOnlyList<int> quorums, out string? error)
    {
        quorums = [];
        error = null;
        if (string.IsNullOrWhiteSpace(text))
        {
            error = "the list is empty";
            return false;
        }

        var set = new SortedSet<int>();
        foreach (var part in text.Split(',', StringSplitOptions.TrimEntries))
        {
            var bounds = part.Split('-', StringSplitOptions.TrimEntries);
            if (bounds.Length is < 1 or > 2 || !bounds.All(IsQuorum))
            {
                error = $"'{part}' is not a quorum (0 or more) or a range such as 1-5";
                return false;
            }

            var from = int.Parse(bounds[0], CultureInfo.InvariantCulture);
            var to = int.Parse(bounds[^1], CultureInfo.InvariantCulture);
            if (from > to)
            {
                error = $"the range '{part}' runs backwards";
                return false;
            }

            for (var q = from; q <= to; q++)
                set.Add(q);
        }

        quorums = [.. set];
        return true;
    }

    // Bounded so a typo such as 1-500000 fails here rather than later against the cluster's follower count.
    private static bool IsQuorum(string s) => int.TryParse(s, NumberStyles.None, CultureInfo.InvariantCulture, out var q) && q <= 64;
}
