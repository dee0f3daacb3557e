using System.Globalization;
using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Load;

/// <summary>Before a bench with reads: every key written once at a quorum of all followers, so no read finds nothing.</summary>
internal static class BenchPrefill
{
    /// <summary>Writes each key of <paramref name="keys"/> from <paramref name="clients"/> clients; returns how many; throws if any fails.</summary>
    public static async Task<int> WriteEveryKeyAsync(KvClient client, KeySpace keys, int clients, int followers, CancellationToken cancellationToken)
    {
        var next = -1;
        var failures = new List<string>();
        await Task.WhenAll(Enumerable.Range(0, Math.Min(clients, keys.Count)).Select(_ => Task.Run(async () =>
        {
            for (var k = Interlocked.Increment(ref next); k < keys.Count; k = Interlocked.Increment(ref next))
            {
                var result = await client.WriteAsync(keys[k], string.Create(CultureInfo.InvariantCulture, $"prefill-{k}"), followers, cancellationToken);
                if (!result.Succeeded)
                {
                    lock (failures)
                        failures.Add($"{keys[k]}: {result.ErrorCode}");
                }
            }
        }, cancellationToken)));

        if (failures.Count > 0)
            throw new ClusterUnreachableException($"Writing the keys before the reads failed for {failures.Count} of them, e.g. {failures[0]}.");
        return keys.Count;
    }
}
