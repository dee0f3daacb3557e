using System.Diagnostics;
using System.Net;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.History;

namespace KvStore.LoadRunner.Load;

/// <summary>What <c>history</c> runs: each client's operations over a few keys named with a prefix no earlier run used.</summary>
internal sealed record HistoryPlan(int Clients, int OpsPerClient, int Keys, string KeyPrefix, int? Quorum, int Seed);

/// <summary>
/// A recorded history: the leader's operations, the follower reads, and by error code the calls that failed (left out,
/// or kept as may-have-happened writes).
/// </summary>
internal sealed record RecordedHistory(IReadOnlyList<HistoryOp> LeaderOps, IReadOnlyList<FollowerRead> FollowerReads, IReadOnlyDictionary<string, int> Dropped);

/// <summary>
/// Records a history against a live cluster: concurrent clients write, compare-and-set (against the last version
/// they saw) and read on the leader, and read on followers with min_version = their own last acknowledged write
/// to the key. Each value is unique to its write, so a read names the write it saw. Times are microseconds from
/// the run's start on one monotonic clock.
/// </summary>
internal static class HistoryRun
{
    public static async Task<RecordedHistory> RecordAsync(KvClient client, IReadOnlyList<NodeAddress> followers, HistoryPlan plan, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(followers);
        ArgumentNullException.ThrowIfNull(plan);
        var start = Stopwatch.GetTimestamp();
        var ids = new IdSource();
        var runs = Enumerable.Range(0, plan.Clients)
            .Select(c => Task.Run(() => new ClientRun(client, followers, plan, c, start, ids).RunAsync(cancellationToken), cancellationToken))
            .ToArray();
        var clients = await Task.WhenAll(runs);
        var dropped = clients.SelectMany(c => c.Dropped).GroupBy(code => code, StringComparer.Ordinal)
            .ToDictionary(g => g.Key, g => g.Count(), StringComparer.Ordinal);
        return new RecordedHistory(
            [.. clients.SelectMany(c => c.LeaderOps).OrderBy(o => o.Invoke)],
            [.. clients.SelectMany(c => c.FollowerReads).OrderBy(r => r.Invoke)],
            dropped);
    }

    private sealed class IdSource
    {
        private int _next;

        public int Next() => Interlocked.Increment(ref _next);
    }

    private sealed class ClientRun(KvClient kv, IReadOnlyList<NodeAddress> followers, HistoryPlan plan, int client, long start, IdSource ids)
    {
        private readonly Random _random = new(HashCode.Combine(plan.Seed, client));
        private readonly Dictionary<string, long> _seen = new(StringComparer.Ordinal);
        private readonly Dictionary<string, long> _written = new(StringComparer.Ordinal);

        public List<HistoryOp> LeaderOps { get; } = [];

        public List<FollowerRead> FollowerReads { get; } = [];

        public List<string> Dropped { get; } = [];

        public async Task<ClientRun> RunAsync(CancellationToken cancellationToken)
        {
            for (var n = 0; n < plan.OpsPerClient; n++)
            {
                var key = $"{plan.KeyPrefix}{_random.Next(plan.Keys)}";
                var roll = _random.Next(100);
                if (roll < 30)
                    await PutAsync(key, $"c{client}-{n}", ifMatch: null, cancellationToken);
                else if (roll < 55)
                    await PutAsync(key, $"c{client}-{n}", _seen.GetValueOrDefault(key), cancellationToken);
                else if (roll < 80 || followers.Count == 0)
                    await ReadLeaderAsync(key, cancellationToken);
                else
                    await ReadFollowerAsync(key, followers[(client + n) % followers.Count], cancellationToken);
            }

            return this;
        }

        private async Task PutAsync(string key, string value, long? ifMatch, CancellationToken cancellationToken)
        {
            var kind = ifMatch is null ? OpKind.Write : OpKind.Cas;
            var invoke = Now();
            var answer = await kv.PutAsync(key, value, ifMatch, plan.Quorum, cancellationToken);
            var complete = Now();
            (OpOutcome? outcome, long? version) = answer switch
            {
                { Succeeded: true } => ((OpOutcome?)OpOutcome.Ok, answer.Version),
                { Status: HttpStatusCode.PreconditionFailed } => (OpOutcome.Mismatch, answer.Version),
                { Code: "quorum_timeout" } => (OpOutcome.Unknown, answer.Version),
                // The node refused it before writing anything (a bad request, not the leader): no effect, nothing to check.
                { Status: { } status } when (int)status is >= 400 and < 500 => ((OpOutcome?)null, null),
                // A timeout, a broken connection, an internal error: it may or may not be in the log.
                _ => (OpOutcome.Unknown, (long?)null),
            };
            if (outcome is not { } recorded)
            {
                Dropped.Add(answer.Code!);
                return;
            }

            if (recorded == OpOutcome.Unknown)
                Dropped.Add(answer.Code!);
            if (version is { } v && recorded != OpOutcome.Unknown)
                _seen[key] = v;
            if (recorded == OpOutcome.Ok)
                _written[key] = version!.Value;
            LeaderOps.Add(new HistoryOp(ids.Next(), client, key, kind, invoke, complete, recorded, value, ifMatch, version));
        }

        private async Task ReadLeaderAsync(string key, CancellationToken cancellationToken)
        {
            var invoke = Now();
            var answer = await kv.GetKvAsync(key, cancellationToken);
            var complete = Now();
            if (!answer.Succeeded && answer.Code != "not_found")
            {
                Dropped.Add(answer.Code!);
                return;
            }

            var version = answer.Succeeded ? answer.Version!.Value : 0;
            _seen[key] = version;
            LeaderOps.Add(new HistoryOp(ids.Next(), client, key, OpKind.Read, invoke, complete, OpOutcome.Ok, answer.Value, Version: version));
        }

        private async Task ReadFollowerAsync(string key, NodeAddress follower, CancellationToken cancellationToken)
        {
            var minVersion = _written.GetValueOrDefault(key);
            var invoke = Now();
            var answer = await kv.ReadAsync(follower.Url, key, minVersion, cancellationToken);
            var complete = Now();
            var error = answer.Succeeded || answer.Code == "not_found" ? null : answer.Code;
            if (error is not null)
                Dropped.Add(error);
            FollowerReads.Add(new FollowerRead(ids.Next(), client, key, follower.Name, minVersion, invoke, complete,
                answer.Value, answer.Succeeded ? answer.Version!.Value : 0, error));
        }

        private long Now() => (long)Stopwatch.GetElapsedTime(start).TotalMicroseconds;
    }
}
