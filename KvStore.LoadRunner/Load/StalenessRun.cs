using System.Diagnostics;
using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Load;

/// <summary>One pass of <c>staleness</c>: every write at <see cref="Quorum"/>; with <see cref="MinVersion"/>, reads wait for it.</summary>
internal sealed record StalenessPass(int Quorum, bool MinVersion, int Clients, int Writes, string KeyPrefix);

/// <summary>One read right after its write's acknowledgement. <see cref="CatchUpMs"/>: for a stale read, how long after the acknowledgement the follower had the write.</summary>
internal sealed record StaleRead(int Client, string Follower, long Written, long Seen, int VersionsBehind, double? CatchUpMs);

internal sealed record StalenessSamples(
    StalenessPass Pass, IReadOnlyList<double> WriteMs, IReadOnlyList<StaleRead> Reads, int WriteErrors, int ReadErrors, int MonotonicViolations);

/// <summary>
/// Each client writes its own key on the leader and, as soon as the write is acknowledged, reads it on a follower:
/// each follower in turn, then a random one. A read older than the write is stale; how far behind it is counts the
/// client's acknowledged writes it misses, and how long the follower took is measured by a second read that waits
/// (min_version) for the write. A client that reads an older version after a newer one, on any follower, has had its
/// reads go backwards: a monotonic-read violation.
/// </summary>
internal static class StalenessRun
{
    public static async Task<StalenessSamples> RunAsync(KvClient kv, IReadOnlyList<NodeAddress> followers, StalenessPass pass, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(kv);
        ArgumentNullException.ThrowIfNull(followers);
        ArgumentNullException.ThrowIfNull(pass);
        if (followers.Count == 0)
            throw new UsageException("staleness needs followers to read from; the leader lists none.");
        var clients = await Task.WhenAll(Enumerable.Range(0, pass.Clients)
            .Select(c => Task.Run(() => RunClientAsync(kv, followers, pass, c, cancellationToken), cancellationToken)));
        return new StalenessSamples(pass,
            [.. clients.SelectMany(c => c.WriteMs)], [.. clients.SelectMany(c => c.Reads)],
            clients.Sum(c => c.WriteErrors), clients.Sum(c => c.ReadErrors), clients.Sum(c => c.MonotonicViolations));
    }

    private static async Task<StalenessSamples> RunClientAsync(
        KvClient kv, IReadOnlyList<NodeAddress> followers, StalenessPass pass, int client, CancellationToken cancellationToken)
    {
        var key = $"{pass.KeyPrefix}{client}";
        var random = new Random(client);
        var acknowledged = new List<long>();
        var writeMs = new List<double>();
        var reads = new List<StaleRead>();
        var (writeErrors, readErrors, monotonic) = (0, 0, 0);
        long newestSeen = 0;
        for (var i = 0; i < pass.Writes; i++)
        {
            var started = Stopwatch.GetTimestamp();
            var write = await kv.WriteAsync(key, $"{client}-{i}", pass.Quorum, cancellationToken);
            var acked = Stopwatch.GetTimestamp();
            if (!write.Succeeded)
            {
                writeErrors++;
                continue;
            }

            writeMs.Add(Stopwatch.GetElapsedTime(started, acked).TotalMilliseconds);
            acknowledged.Add(write.Version);
            var slot = i % (followers.Count + 1);
            var follower = followers[slot < followers.Count ? slot : random.Next(followers.Count)];
            var read = await kv.ReadAsync(follower.Url, key, pass.MinVersion ? write.Version : 0, cancellationToken);
            if (!read.Succeeded && read.Code != "not_found")
            {
                readErrors++;
                continue;
            }

            var seen = read.Succeeded ? read.Version!.Value : 0;
            if (seen < newestSeen)
                monotonic++;
            newestSeen = Math.Max(newestSeen, seen);
            double? catchUp = null;
            if (seen < write.Version)
            {
                // The node answers a min_version read the moment it applies that version (or after its read timeout).
                var caughtUp = await kv.ReadAsync(follower.Url, key, write.Version, cancellationToken);
                catchUp = caughtUp.Succeeded ? Stopwatch.GetElapsedTime(acked).TotalMilliseconds : null;
            }

            reads.Add(new StaleRead(client, follower.Name, write.Version, seen, acknowledged.Count(v => v > seen), catchUp));
        }

        return new StalenessSamples(pass, writeMs, reads, writeErrors, readErrors, monotonic);
    }
}
