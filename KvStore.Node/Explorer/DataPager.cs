using KvStore.Node.Storage;

namespace KvStore.Node.Explorer;

/// <summary>
/// One page of a node's keys in ordinal order, taken from the live dictionary: no copy of the store, no apply
/// lock, and only the page is sorted. The walk keeps the <c>limit + 1</c> smallest keys after the cursor in a
/// bounded heap, so memory is one page whatever the store holds, and the one extra key says whether a next page
/// exists. Keys written during the walk may or may not appear; the next page still starts after the last key shown.
/// </summary>
public static class DataPager
{
    public const int DefaultLimit = 100;
    public const int MaxLimit = 1000;

    public static DataPage Take(KeyValueState state, string? after, string? prefix, int limit)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(limit, 1);

        // Read before the walk: every entry up to this index is reflected in what the walk sees.
        var appliedIndex = state.AppliedIndex;
        var keep = limit + 1;
        var largestFirst = new PriorityQueue<KeyValuePair<string, VersionedValue>, string>(keep, ReverseOrdinal.Instance);
        long matching = 0;
        foreach (var item in state.Live)
        {
            if (prefix is not null && !item.Key.StartsWith(prefix, StringComparison.Ordinal))
                continue;
            matching++;
            if (after is not null && string.CompareOrdinal(item.Key, after) <= 0)
                continue;
            if (largestFirst.Count < keep)
                largestFirst.Enqueue(item, item.Key);
            else if (string.CompareOrdinal(item.Key, largestFirst.Peek().Key) < 0)
                largestFirst.EnqueueDequeue(item, item.Key);
        }

        var page = new KeyValuePair<string, VersionedValue>[largestFirst.Count];
        for (var i = page.Length - 1; i >= 0; i--)
            page[i] = largestFirst.Dequeue();

        var hasMore = page.Length > limit;
        var items = hasMore ? page[..limit] : page;
        return new DataPage(appliedIndex, items, hasMore ? items[^1].Key : null, matching);
    }

    private sealed class ReverseOrdinal : IComparer<string>
    {
        public static readonly ReverseOrdinal Instance = new();

        public int Compare(string? x, string? y) => string.CompareOrdinal(y, x);
    }
}

/// <summary>
/// A page of keys; <see cref="Next"/> is the cursor for the following page (null on the last one).
/// <see cref="Matching"/> counts the keys the walk saw that match the prefix, before and after the cursor.
/// </summary>
public sealed record DataPage(long AppliedIndex, KeyValuePair<string, VersionedValue>[] Items, string? Next, long Matching);
