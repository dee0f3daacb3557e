using System.Net.Http.Json;
using System.Text;
using CsCheck;
using KvStore.Node.Api;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;

namespace KvStore.Tests.Node;

/// <summary>
/// The follower's end of the stream under what independent lags and a retrying leader produce: frames in any order,
/// several per socket write, some sent twice. Whatever the order, the replica applies each entry once and in log order
/// (an entry applied twice, or late, would put an older version of its key back), acknowledges nothing it was not
/// sent, and ends holding exactly the log.
/// </summary>
public sealed class ReplicationStreamPropertyTests
{
    private const string Token = "stream-property-token";
    private const int Keys = 3;

    [Theory]
    [InlineData(false, 40)]
    [InlineData(true, 15)]
    public async Task Frames_in_any_order_with_duplicates_are_applied_once_in_log_order(bool durable, int cases)
    {
        using var data = durable ? new TempDirectory() : null;
        await using var follower = await InProcessNode.StartAsync(FreePorts.Take(1)[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["NODE_NAME"] = "property-follower",
            ["LEADER"] = "http://127.0.0.1:1",
            ["REPLICATION_TOKEN"] = Token,
            ["DATA_DIR"] = data?.Path,
            ["FSYNC"] = "always",
        });
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url) };

        // A log of n entries cut into frames of 1..3, sent in a shuffled order with some frames repeated, in writes of 1..4 frames.
        var gen =
            from sizes in Gen.Int[1, 3].Array[1, 8]
            from keys in Gen.Int[0, Keys - 1].Array[sizes.Sum()]
            from order in Gen.Shuffle(Enumerable.Range(0, sizes.Length).ToArray())
            from repeats in Gen.Int[0, sizes.Length - 1].Array[0, 3]
            from writes in Gen.Int[1, 4].Array[sizes.Length + 3]
            select (sizes, keys, order, repeats, writes);

        await gen.SampleAsync(async c =>
        {
            var entries = c.keys.Select((k, i) => new LogEntry(i + 1, $"k{k}", Encoding.UTF8.GetBytes((i + 1).ToString()))).ToArray();
            var frames = new List<LogEntry[]>();
            for (int f = 0, next = 0; f < c.sizes.Length; next += c.sizes[f++])
                frames.Add(entries[next..(next + c.sizes[f])]);
            var sent = c.order.Concat(c.repeats).Select(i => frames[i]).ToList();

            // A new history each case: the follower starts over from nothing.
            await using var stream = await StreamPeer.OpenAsync(client, Token);
            Assert.Equal(StreamAck.Applied(0), await stream.ReadAckAsync());

            var arrived = new HashSet<long>();
            var acks = new List<(StreamAck Ack, long Contiguous, HashSet<long> Arrived)>();
            var last = entries.Length;
            var reading = Task.Run(async () =>
            {
                while (true)
                {
                    var ack = await stream.ReadAckAsync();
                    lock (arrived)
                        acks.Add((ack, Contiguous(arrived), [.. arrived]));
                    if (ack == StreamAck.Applied(last))
                        return;
                }
            });

            for (int s = 0, w = 0; s < sent.Count; w++)
            {
                var batch = sent.Skip(s).Take(c.writes[w]).ToArray();
                // Counted as arrived before they are written: an acknowledgement can only follow its frame.
                lock (arrived)
                    arrived.UnionWith(batch.SelectMany(f => f).Select(e => e.Index));
                await stream.SendFramesAsync(batch);
                s += batch.Length;
            }

            await reading.WaitAsync(TimeSpan.FromSeconds(15));

            var appliedSoFar = 0L;
            foreach (var (ack, contiguous, seen) in acks)
            {
                switch (ack.Kind)
                {
                    case AckKind.Applied:
                        Assert.InRange(ack.Last, appliedSoFar, contiguous);
                        appliedSoFar = ack.Last;
                        break;
                    case AckKind.Held:
                        Assert.False(durable, $"a follower with DATA_DIR acknowledged {ack} before applying it");
                        Assert.Contains(frames, f => f[0].Index == ack.First && f[^1].Index == ack.Last);
                        Assert.True(seen.Contains(ack.First), $"{ack} names a frame not sent yet");
                        break;
                    default:
                        Assert.Fail($"unexpected {ack} for frames that all follow one log");
                        break;
                }
            }

            var state = (await client.GetFromJsonAsync<DataResponse>("/data"))!;
            Assert.Equal(last, state.AppliedIndex);
            var expected = entries.GroupBy(e => e.Key).ToDictionary(g => g.Key, g => g.Max(e => e.Index));
            Assert.Equal(expected.OrderBy(e => e.Key), state.Data.Select(d => KeyValuePair.Create(d.Key, d.Value.Version)).OrderBy(e => e.Key));
            foreach (var (key, item) in state.Data)
                Assert.Equal(item.Version.ToString(), Encoding.UTF8.GetString(item.Value.Utf8.Span));
        }, iter: cases, threads: 1);
    }

    private static long Contiguous(HashSet<long> arrived)
    {
        var i = 0L;
        while (arrived.Contains(i + 1))
            i++;
        return i;
    }
}
