using System.Diagnostics;
using System.Globalization;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Measurement;

namespace KvStore.LoadRunner.Load;

/// <summary>The outcome of a bench: merged measurements, the time the run took, and whether Ctrl+C ended it.</summary>
internal sealed record BenchOutcome(RunTotals Totals, TimeSpan Elapsed, bool Interrupted, long? ScheduledRequests);

/// <summary>Runs a <see cref="BenchPlan"/>: one recorder per client, merged at the end; progress readable meanwhile.</summary>
internal sealed class BenchRun(KvClient client, BenchPlan plan)
{
    private readonly ClientRecorder[] _recorders = Enumerable.Range(0, plan.Clients).Select(_ => new ClientRecorder()).ToArray();
    private long _started;

    public BenchProgress Progress()
    {
        long succeeded = 0, failed = 0, latencySum = 0;
        foreach (var recorder in _recorders)
        {
            succeeded += recorder.Succeeded;
            failed += recorder.Failed;
            latencySum += recorder.LatencySumNs;
        }

        var started = Volatile.Read(ref _started);
        return new BenchProgress(started == 0 ? TimeSpan.Zero : Stopwatch.GetElapsedTime(started), succeeded, failed, latencySum);
    }

    /// <summary>Runs to the end of the duration, letting requests in flight finish; Ctrl+C stops it early.</summary>
    public async Task<BenchOutcome> RunAsync(CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        var end = started + (long)(plan.Duration.TotalSeconds * Stopwatch.Frequency);
        var schedule = plan.Rate is { } rate ? new OpenLoopSchedule(started, rate, end) : null;
        Volatile.Write(ref _started, started);

        // Task.Run: the clients must not run their first synchronous stretch on the caller's thread one after another.
        var clients = _recorders.Select((recorder, c) => Task.Run(
            () => schedule is null ? ClosedLoopAsync(c, recorder, end, cancellationToken) : OpenLoopAsync(c, recorder, schedule, cancellationToken),
            CancellationToken.None));
        await Task.WhenAll(clients);

        return new BenchOutcome(RunTotals.Merge(_recorders), Stopwatch.GetElapsedTime(started),
            cancellationToken.IsCancellationRequested, schedule?.ExpectedCount);
    }

    private async Task ClosedLoopAsync(int c, ClientRecorder recorder, long end, CancellationToken cancellationToken)
    {
        try
        {
            for (long w = 0; Stopwatch.GetTimestamp() < end; w++)
            {
                var sent = Stopwatch.GetTimestamp();
                var result = await WriteAsync(c, w, cancellationToken);
                Record(recorder, result, sent, sent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task OpenLoopAsync(int c, ClientRecorder recorder, OpenLoopSchedule schedule, CancellationToken cancellationToken)
    {
        try
        {
            for (long w = 0; schedule.TryNext(out var intended); w++)
            {
                await OpenLoopSchedule.WaitUntilAsync(intended, cancellationToken);
                var sent = Stopwatch.GetTimestamp();
                var result = await WriteAsync(c, w, cancellationToken);
                Record(recorder, result, intended, sent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private Task<WriteResult> WriteAsync(int c, long w, CancellationToken cancellationToken)
    {
        // Clients start at different offsets of the key space so they do not all hammer the same key.
        var key = plan.Keys[c * 7919L + w];
        var value = string.Create(CultureInfo.InvariantCulture, $"c{c}-w{w}");
        return client.WriteAsync(key, value, plan.Quorum, cancellationToken);
    }

    private static void Record(ClientRecorder recorder, WriteResult result, long intended, long sent)
    {
        var done = Stopwatch.GetTimestamp();
        if (result.Succeeded)
            recorder.RecordSuccess(ClientRecorder.ElapsedNanoseconds(intended, done), ClientRecorder.ElapsedNanoseconds(sent, done));
        else
            recorder.RecordFailure(result.ErrorCode!);
    }
}
