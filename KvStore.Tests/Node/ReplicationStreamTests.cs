using System.Net;
using KvStore.Node.Replication;
using KvStore.Node.Storage;
using KvStore.Node.Storage.Durability;
using KvStore.Tests.Infrastructure;
using KvStore.Tests.LoadRunner;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.Tests.Node;

/// <summary>
/// The follower's end of the replication stream, driven frame by frame as the leader would drive it: frames pay
/// independent lags, so one may arrive before its predecessor.
/// </summary>
public sealed class ReplicationStreamTests
{
    private const string Token = "stream-test-token";

    [Fact]
    public async Task A_frame_that_overtakes_its_predecessor_is_held_then_applied_in_log_order()
    {
        await using var follower = await StartFollowerAsync(dataDir: null);
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url) };
        await using var stream = await OpenStreamAsync(client);
        Assert.Equal(StreamAck.Applied(0), await stream.ReadAckAsync());

        await stream.SendAsync(new LogEntry(2, "b", "2"u8.ToArray()));
        Assert.Equal(StreamAck.Held(2, 2), await stream.ReadAckAsync());
        // Held is not applied: nothing may be visible out of log order.
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/kv/b")).StatusCode);

        await stream.SendAsync(new LogEntry(1, "a", "1"u8.ToArray()));
        Assert.Equal(StreamAck.Applied(2), await stream.ReadAckAsync());
        Assert.Equal("1", await client.GetStringAsync("/kv/a"));
        Assert.Equal("2", await client.GetStringAsync("/kv/b"));
        Assert.Equal("\"2\"", (await client.GetAsync("/kv/b")).Headers.ETag?.Tag);
    }

    [Fact]
    public async Task With_a_data_directory_a_frame_ahead_is_acknowledged_only_once_applied()
    {
        using var data = new TempDirectory();
        await using var follower = await StartFollowerAsync(data.Path);
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url) };
        await using var stream = await OpenStreamAsync(client);
        Assert.Equal(StreamAck.Applied(0), await stream.ReadAckAsync());

        // Held in memory is less than durable here: the first acknowledgement after both frames covers both, applied.
        await stream.SendAsync(new LogEntry(3, "c", "3"u8.ToArray()));
        await stream.SendAsync(new LogEntry(2, "b", "2"u8.ToArray()));
        await stream.SendAsync(new LogEntry(1, "a", "1"u8.ToArray()));
        Assert.Equal(StreamAck.Applied(3), await stream.ReadAckAsync());
        Assert.Equal("3", await client.GetStringAsync("/kv/c"));
    }

    [Fact]
    public async Task Frames_that_arrive_together_are_made_durable_with_one_fsync_and_acknowledged_once()
    {
        using var data = new TempDirectory();
        await using var follower = await StartFollowerAsync(data.Path);
        var log = (WriteAheadLog)follower.Services.GetRequiredService<IReplicationLog>();
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url) };
        await using var stream = await OpenStreamAsync(client);
        Assert.Equal(StreamAck.Applied(0), await stream.ReadAckAsync());
        var fsyncsBefore = log.Fsyncs;

        // Sixteen frames in flight at once, as a pipelining leader sends them: one socket write, one frame each.
        const int Frames = 16;
        await stream.SendAsync([.. Enumerable.Range(1, Frames).Select(i => new LogEntry(i, $"k{i}", "1"u8.ToArray()))]);
        var acks = new List<StreamAck> { await stream.ReadAckAsync() };
        while (acks[^1] != StreamAck.Applied(Frames))
            acks.Add(await stream.ReadAckAsync());

        // The flusher may already have started an fsync for the first frame when the rest arrive: at most one more.
        var fsyncs = log.Fsyncs - fsyncsBefore;
        Assert.True(fsyncs <= 2, $"{Frames} frames that arrived together took {fsyncs} fsyncs");
        Assert.True(acks.Count <= fsyncs, $"{acks.Count} acknowledgements for {fsyncs} fsyncs: {string.Join(", ", acks)}");
        Assert.Equal("1", await client.GetStringAsync($"/kv/k{Frames}"));
    }

    [Fact]
    public async Task A_frame_above_the_frame_limit_is_refused_and_nothing_of_it_applied()
    {
        await using var follower = await StartFollowerAsync(dataDir: null);
        using var client = new HttpClient { BaseAddress = new Uri(follower.Url) };
        await using var stream = await OpenStreamAsync(client);
        Assert.Equal(StreamAck.Applied(0), await stream.ReadAckAsync());

        // Five values of 1 MiB (the default MAX_VALUE_BYTES) in one frame: more than any leader cuts into one.
        var value = new byte[1 << 20];
        value.AsSpan().Fill((byte)'1');
        // The follower closes the stream as soon as it reads the frame's length: the rest may not even be sent.
        await Assert.ThrowsAnyAsync<IOException>(async () =>
        {
            await stream.SendFrameAsync([.. Enumerable.Range(1, 5).Select(i => new LogEntry(i, $"big{i}", value))]);
            await stream.ReadAckAsync();
        });
        Assert.Equal(HttpStatusCode.NotFound, (await client.GetAsync("/kv/big1")).StatusCode);
    }

    private static Task<InProcessNode> StartFollowerAsync(string? dataDir) =>
        InProcessNode.StartAsync(FreePorts.Take(1)[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["NODE_NAME"] = "stream-follower",
            ["LEADER"] = "http://127.0.0.1:1",
            ["REPLICATION_TOKEN"] = Token,
            ["DATA_DIR"] = dataDir,
            ["FSYNC"] = "always",
        });

    private static Task<StreamPeer> OpenStreamAsync(HttpClient client) => StreamPeer.OpenAsync(client, Token);
}
