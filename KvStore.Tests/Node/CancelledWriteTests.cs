using System.Net;
using System.Net.Http.Json;
using System.Text.Json;
using KvStore.Node.Storage;
using KvStore.Node.Threading;
using KvStore.Tests.Infrastructure;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.Tests.Node;

/// <summary>
/// A write whose client went away while its entry was being made durable is still in the leader's log, so it must
/// still reach the followers, with no later write to carry it.
/// </summary>
public sealed class CancelledWriteTests
{
    private static readonly TimeSpan Deadline = TimeSpan.FromSeconds(10);

    [Fact]
    public async Task An_entry_whose_client_disconnected_during_the_fsync_still_reaches_the_followers()
    {
        var cancellation = TestContext.Current.CancellationToken;
        var ports = FreePorts.Take(2);
        await using var follower = await InProcessNode.StartAsync(ports[1], new Dictionary<string, string?>
        {
            ["ROLE"] = "follower",
            ["LEADER"] = $"http://127.0.0.1:{ports[0]}",
            ["REPLICATION_TOKEN"] = "t",
        });
        var log = new GatedLog();
        await using var leader = await InProcessNode.StartAsync(ports[0], new Dictionary<string, string?>
        {
            ["ROLE"] = "leader",
            ["FOLLOWERS"] = follower.Url,
            ["WRITE_QUORUM"] = "1",
            ["MIN_DELAY"] = "0",
            ["MAX_DELAY"] = "0",
            ["REPLICATION_TOKEN"] = "t",
        }, builder => builder.Services.AddSingleton<IReplicationLog>(log));
        using var leaderClient = new HttpClient { BaseAddress = new Uri(leader.Url) };
        using var followerClient = new HttpClient { BaseAddress = new Uri(follower.Url) };
        await WaitUntilAsync(async () => (await leaderClient.GetFromJsonAsync<JsonElement>("/cluster", cancellation))
            .GetProperty("followers")[0].GetProperty("lastAckLatencyMs").ValueKind == JsonValueKind.Number, "the follower's stream to open");

        // The client gives up while its entry is appended but not yet durable.
        using (var client = new CancellationTokenSource())
        {
            var write = leaderClient.PostAsJsonAsync("/write", new { key = "abandoned", value = 1 }, client.Token);
            await WaitUntilAsync(() => Task.FromResult(log.LastIndex == 1), "the write to be appended");
            await client.CancelAsync();
            await Assert.ThrowsAnyAsync<OperationCanceledException>(() => write);
            await WaitUntilAsync(() => Task.FromResult(log.AbandonedWaits > 0), "the leader to see the client go");
        }

        log.MakeDurable();

        await WaitUntilAsync(async () => (await followerClient.GetAsync("/kv/abandoned", cancellation)).StatusCode == HttpStatusCode.OK,
            "the follower to receive the abandoned write");
    }

    private static async Task WaitUntilAsync(Func<Task<bool>> condition, string what)
    {
        var deadline = DateTime.UtcNow + Deadline;
        while (!await condition())
        {
            Assert.True(DateTime.UtcNow < deadline, $"timed out waiting for {what}");
            await Task.Delay(20, TestContext.Current.CancellationToken);
        }
    }

    /// <summary>A leader's log whose appends become durable only when the test says so (an fsync that takes its time).</summary>
    private sealed class GatedLog : IReplicationLog
    {
        private readonly InMemoryReplicationLog _entries = new(retain: 1000, Guid.NewGuid());
        private readonly IndexWaiters _durable = new();
        private readonly List<Action> _listeners = [];
        private long _released;
        private int _abandonedWaits;

        public Guid LogId => _entries.LogId;

        public long FirstIndex => _entries.FirstIndex;

        public long LastIndex => _entries.LastIndex;

        public long DurableIndex => Math.Min(LastIndex, Volatile.Read(ref _released));

        public bool SurvivesRestart => true;

        public int AbandonedWaits => Volatile.Read(ref _abandonedWaits);

        public void Append(in LogEntry entry) => _entries.Append(entry);

        public ValueTask WaitDurableAsync(long index, CancellationToken cancellationToken) =>
            index <= DurableIndex ? ValueTask.CompletedTask : new ValueTask(WaitAsync(index, cancellationToken));

        private async Task WaitAsync(long index, CancellationToken cancellationToken)
        {
            try
            {
                await _durable.WaitAsync(index, Timeout.InfiniteTimeSpan, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                Interlocked.Increment(ref _abandonedWaits);
                throw;
            }
        }

        public void OnDurable(Action listener)
        {
            lock (_listeners)
                _listeners.Add(listener);
        }

        public void MakeDurable()
        {
            var last = LastIndex;
            Volatile.Write(ref _released, last);
            _durable.Set(last);
            lock (_listeners)
            {
                foreach (var listener in _listeners)
                    listener();
            }
        }

        public int Read(long fromIndex, Span<LogEntry> destination)
        {
            var available = DurableIndex - fromIndex + 1;
            return available <= 0 ? 0 : _entries.Read(fromIndex, destination[..(int)Math.Min(destination.Length, available)]);
        }

        public ValueTask ResetAsync(Guid logId, StateSnapshot snapshot, CancellationToken cancellationToken) =>
            throw new NotSupportedException("a leader's log is never reset");
    }
}
