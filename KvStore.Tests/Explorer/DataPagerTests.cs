using System.Text;
using KvStore.Node.Explorer;
using KvStore.Node.Storage;

namespace KvStore.Tests.Explorer;

/// <summary>Paging over the live store and value previews, without a cluster.</summary>
public sealed class DataPagerTests
{
    [Fact]
    public void Pages_of_a_large_store_are_its_smallest_keys_after_the_cursor_in_order()
    {
        var state = new KeyValueState();
        var keys = Enumerable.Range(0, 50_000).Select(i => $"key-{(i * 7919) % 50_000:D5}").ToArray();
        var index = 0L;
        foreach (var key in keys)
            state.Apply(new LogEntry(++index, key, "1"u8.ToArray()));
        var sorted = keys.Order(StringComparer.Ordinal).ToArray();

        var first = DataPager.Take(state, after: null, prefix: null, limit: 100);
        Assert.Equal(sorted[..100], first.Items.Select(i => i.Key));
        Assert.Equal(sorted[99], first.Next);
        Assert.Equal((50_000L, 50_000L), (first.AppliedIndex, first.Matching));

        var middle = DataPager.Take(state, after: "key-31337", prefix: null, limit: 3);
        Assert.Equal(["key-31338", "key-31339", "key-31340"], middle.Items.Select(i => i.Key));

        var last = DataPager.Take(state, after: sorted[^2], prefix: null, limit: 100);
        Assert.Equal([sorted[^1]], last.Items.Select(i => i.Key));
        Assert.Null(last.Next);

        var prefixed = DataPager.Take(state, after: null, prefix: "key-4999", limit: 1000);
        Assert.Equal(10, prefixed.Matching);
        Assert.Equal(sorted[^10..], prefixed.Items.Select(i => i.Key));
        Assert.Null(prefixed.Next);
    }

    [Fact]
    public void A_deleted_key_leaves_the_pages_and_each_key_shows_its_latest_version()
    {
        var state = new KeyValueState();
        state.Apply(new LogEntry(1, "a", "1"u8.ToArray()));
        state.Apply(new LogEntry(2, "b", "2"u8.ToArray()));
        state.Apply(new LogEntry(3, "a", "3"u8.ToArray()));
        state.Apply(new LogEntry(4, "b", null));

        var page = DataPager.Take(state, null, null, 10);
        var only = Assert.Single(page.Items);
        Assert.Equal(("a", 3L, "3"), (only.Key, only.Version, Encoding.UTF8.GetString(only.Value.Span)));
    }

    [Theory]
    [InlineData("\"short\"", 200, "\"short\"", false)]
    [InlineData("\"abcdef\"", 4, "\"abc", true)]
    [InlineData("\"ééééé\"", 3, "\"éé", true)]
    // A character outside the BMP is two UTF-16 chars; the preview never splits one.
    [InlineData("\"a😀b\"", 3, "\"a", true)]
    [InlineData("\"a😀b\"", 4, "\"a😀", true)]
    public void A_preview_is_the_first_characters_of_the_value(string json, int maxChars, string preview, bool truncated)
    {
        Assert.Equal((preview, truncated), ValuePreview.Of(Encoding.UTF8.GetBytes(json), maxChars));
    }
}
