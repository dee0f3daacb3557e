using System.Text;
using KvStore.Node.Storage;

namespace KvStore.Node.Explorer;

/// <summary>
/// One page of a node's keys in the order of their UTF-8 bytes (code-point order), taken from the live table: no copy of the store, no apply
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

        // Compared as UTF-8, as the state holds keys and orders snapshots: no key is decoded until it is on the page.
        var afterKey = after is null ? null : Encoding.UTF8.GetBytes(after);
        var prefixKey = prefix is null ? null : Encoding.UTF8.GetBytes(prefix);

        // Read before the walk: every entry up to this index is reflected in what the walk sees.
        var appliedIndex = state.AppliedIndex;
        var keep = limit + 1;
        var largestFirst = new PriorityQueue<StoredItem, StoredItem>(keep, LargestKeyFirst.Instance);
        long matching = 0;
        foreach (var item in state.Live)
        {
            if (prefixKey is not null && !item.KeyUtf8.StartsWith(prefixKey))
                continue;
            matching++;
            if (afterKey is not null && item.KeyUtf8.SequenceCompareTo(afterKey) <= 0)
                continue;
            if (largestFirst.Count < keep)
                largestFirst.Enqueue(item, item);
            else if (StoredItem.CompareKeys(item, largestFirst.Peek()) < 0)
                largestFirst.EnqueueDequeue(item, item);
        }

        var page = new StoredItem[largestFirst.Count];
        for (var i = page.Length - 1; i >= 0; i--)
            page[i] = largestFirst.Dequeue();

        var hasMore = page.Length > limit;
        var items = hasMore ? page[..limit] : page;
        return new DataPage(appliedIndex, items, hasMore ? items[^1].Key : null, matching);
    }

    private sealed class LargestKeyFirst : IComparer<StoredItem>
    {
        public static readonly LargestKeyFirst Instance = new();

        public int Compare(StoredItem x, StoredItem y) => StoredItem.CompareKeys(y, x);
    }
}

/// <summary>
/// A page of keys; <see cref="Next"/> is the cursor for the following page (null on the last one).
/// <see cref="Matching"/> counts the keys the walk saw that match the prefix, before and after the cursor.
/// </summary>
public sealed record DataPage(long AppliedIndex, StoredItem[] Items, string? Next, long Matching);
