using System.Diagnostics;
using System.Globalization;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Measurement;

namespace KvStore.LoadRunner.Load;

/// <summary>The outcome of one burst: what was measured, over how long, and whether Ctrl+C cut it short.</summary>
internal sealed record BurstResult(RunTotals Totals, TimeSpan Elapsed, bool Interrupted);

/// <summary>The reference labs' experiment step: C clients start together and each makes W writes back to back at one quorum.</summary>
internal static class WriteBurst
{
    public static async Task<BurstResult> RunAsync(
        KvClient client, KeySpace keys, int clients, int writesPerClient, int quorum, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(client);
        ArgumentNullException.ThrowIfNull(keys);
        var recorders = Enumerable.Range(0, clients).Select(_ => new ClientRecorder()).ToArray();

        // A gate, so no client is already writing while later ones are still being set up.
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var tasks = recorders.Select((recorder, c) => ClientAsync(c, recorder)).ToArray();
        var started = Stopwatch.GetTimestamp();
        gate.SetResult();
        await Task.WhenAll(tasks);
        return new BurstResult(RunTotals.Merge(recorders), Stopwatch.GetElapsedTime(started), cancellationToken.IsCancellationRequested);

        async Task ClientAsync(int c, ClientRecorder recorder)
        {
            await gate.Task;
            try
            {
                for (var w = 0; w < writesPerClient; w++)
                {
                    // Client c's w-th write goes to key c·W + w, so concurrent clients mostly write different keys.
                    var n = (long)c * writesPerClient + w;
                    var value = string.Create(CultureInfo.InvariantCulture, $"q{quorum}-c{c}-w{w}");
                    var sent = Stopwatch.GetTimestamp();
                    var result = await client.WriteAsync(keys[n], value, quorum, cancellationToken);
                    var latency = ClientRecorder.ElapsedNanoseconds(sent, Stopwatch.GetTimestamp());
                    if (result.Succeeded)
                        recorder.RecordSuccess(latency, latency);
                    else
                        recorder.RecordFailure(result.ErrorCode!);
                }
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                // Ctrl+C: what this client measured so far stays in its recorder for the partial report.
            }
        }
    }
}
