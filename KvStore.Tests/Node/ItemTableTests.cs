using System.Diagnostics;
using System.Text;
using CsCheck;
using KvStore.Node.Storage;

namespace KvStore.Tests.Node;

/// <summary>
/// The state's open-addressing table: against a dictionary model through growth, deletes and reused tombstones, and
/// read without a lock while one writer churns.
/// </summary>
public sealed class ItemTableTests
{
    [Fact]
    public void Any_sequence_of_sets_and_removes_leaves_what_a_dictionary_would()
    {
        // Few keys and many deletes, so tombstones pile up, get reused and are swept by rebuilds.
        var operation = Gen.Select(Gen.Int[0, 300], Gen.Int[0, 2]);
        operation.Array[1, 4000].Sample(operations =>
        {
            var table = new ItemTable();
            var model = new Dictionary<string, long>(StringComparer.Ordinal);
            var version = 0L;
            foreach (var (key, kind) in operations)
            {
                var name = $"k{key}";
                if (kind == 0)
                {
                    Assert.Equal(model.Remove(name), table.Remove(name));
                }
                else
                {
                    table.Set(StoredItem.Create(++version, name, Encoding.UTF8.GetBytes(version.ToString())));
                    model[name] = version;
                }
            }

            Assert.Equal(model.Count, table.Count);
            Assert.Equal(model.OrderBy(i => i.Key, StringComparer.Ordinal), table.Items()
                .Select(i => KeyValuePair.Create(i.Key, i.Version)).OrderBy(i => i.Key, StringComparer.Ordinal));
            for (var key = 0; key <= 300; key++)
            {
                var found = table.TryGet($"k{key}", out var item);
                Assert.Equal(model.TryGetValue($"k{key}", out var expected), found);
                if (found)
                    Assert.Equal((expected, expected.ToString()), (item.Version, Encoding.UTF8.GetString(item.Value.Span)));
            }
        }, iter: 200);
    }

    [Fact]
    public async Task Readers_without_a_lock_always_find_a_key_that_is_never_deleted()
    {
        var table = new ItemTable();
        var stable = Enumerable.Range(0, 64).Select(i => $"stable:{i}").ToArray();
        foreach (var key in stable)
            table.Set(StoredItem.Create(1, key, "0"u8));

        // One writer: updates the stable keys (each update a new item) while churning others through growth and deletes.
        // On a thread of its own, with its 2 s counted from when it starts: on a thread pool busy with other tests' work
        // (and this reader's spinning) it once started after its time was already up, and wrote nothing.
        var writer = Task.Factory.StartNew(() =>
        {
            var until = Stopwatch.GetTimestamp() + 2 * Stopwatch.Frequency;
            var version = 1L;
            var round = 0;
            while (Stopwatch.GetTimestamp() < until)
            {
                round++;
                for (var i = 0; i < 2000; i++)
                    table.Set(StoredItem.Create(++version, $"churn:{round}:{i}", "1"u8));
                foreach (var key in stable)
                    table.Set(StoredItem.Create(++version, key, Encoding.UTF8.GetBytes(version.ToString())));
                for (var i = 0; i < 2000; i++)
                    table.Remove($"churn:{round}:{i}");
            }

            return round;
        }, TestContext.Current.CancellationToken, TaskCreationOptions.LongRunning, TaskScheduler.Default);

        var misses = 0;
        var torn = 0;
        var reads = 0L;
        while (!writer.IsCompleted)
        {
            foreach (var key in stable)
            {
                reads++;
                if (!table.TryGet(key, out var item))
                    misses++;
                else if (item.Key != key || (item.Version > 1 && Encoding.UTF8.GetString(item.Value.Span) != item.Version.ToString()))
                    torn++;
            }
        }

        var rounds = await writer;
        Assert.True(rounds > 3, $"the writer got through only {rounds} rounds");
        Assert.Equal((0, 0), (misses, torn));
        Assert.True(reads > 1000, $"only {reads} reads ran beside the writer");
        Assert.Equal(stable.Length, table.Count);
    }
}
