using System.Diagnostics;
using System.Globalization;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Measurement;

namespace KvStore.LoadRunner.Load;

/// <summary>
/// The outcome of a bench: merged measurements of every request, of the reads alone and of the writes alone, the time the
/// run took, and whether Ctrl+C ended it.
/// </summary>
internal sealed record BenchOutcome(RunTotals Totals, RunTotals Reads, RunTotals Writes, TimeSpan Elapsed, bool Interrupted, long? ScheduledRequests);

/// <summary>Runs a <see cref="BenchPlan"/>: recorders per client (reads and writes apart), merged at the end; progress readable meanwhile.</summary>
internal sealed class BenchRun
{
    private readonly KvClient _client;
    private readonly BenchPlan _plan;
    private readonly ClientRecorder[] _recorders;
    private readonly ClientRecorder[] _readRecorders;

    // _readUris[node][key]: formatted once, as the write URIs are, so the load runner's own cost per read stays low.
    private readonly Uri[][] _readUris;
    private long _started;

    public BenchRun(KvClient client, BenchPlan plan)
    {
        _client = client;
        _plan = plan;
        _recorders = Enumerable.Range(0, plan.Clients).Select(_ => new ClientRecorder()).ToArray();
        _readRecorders = Enumerable.Range(0, plan.Clients).Select(_ => new ClientRecorder()).ToArray();
        _readUris = plan.Reads is { } reads
            ? reads.Nodes.Select(node => Enumerable.Range(0, plan.Keys.Count).Select(k => KvClient.ReadUri(node, plan.Keys[k])).ToArray()).ToArray()
            : [];
    }

    public BenchProgress Progress()
    {
        long succeeded = 0, failed = 0, latencySum = 0;
        foreach (var recorder in _recorders.Concat(_readRecorders))
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
        var end = started + (long)(_plan.Duration.TotalSeconds * Stopwatch.Frequency);
        var schedule = _plan.Rate is { } rate ? new OpenLoopSchedule(started, rate, end) : null;
        Volatile.Write(ref _started, started);

        // Task.Run: the clients must not run their first synchronous stretch on the caller's thread one after another.
        var clients = Enumerable.Range(0, _plan.Clients).Select(c => Task.Run(
            () => schedule is null ? ClosedLoopAsync(c, end, cancellationToken) : OpenLoopAsync(c, schedule, cancellationToken),
            CancellationToken.None));
        await Task.WhenAll(clients);

        return new BenchOutcome(RunTotals.Merge(_recorders.Concat(_readRecorders)), RunTotals.Merge(_readRecorders), RunTotals.Merge(_recorders),
            Stopwatch.GetElapsedTime(started), cancellationToken.IsCancellationRequested, schedule?.ExpectedCount);
    }

    private async Task ClosedLoopAsync(int c, long end, CancellationToken cancellationToken)
    {
        var requests = new ClientRequests(this, c);
        try
        {
            for (long w = 0; Stopwatch.GetTimestamp() < end; w++)
            {
                var sent = Stopwatch.GetTimestamp();
                var (result, recorder) = await requests.NextAsync(w, cancellationToken);
                Record(recorder, result, sent, sent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    private async Task OpenLoopAsync(int c, OpenLoopSchedule schedule, CancellationToken cancellationToken)
    {
        var requests = new ClientRequests(this, c);
        try
        {
            for (long w = 0; schedule.TryNext(out var intended); w++)
            {
                await OpenLoopSchedule.WaitUntilAsync(intended, cancellationToken);
                var sent = Stopwatch.GetTimestamp();
                var (result, recorder) = await requests.NextAsync(w, cancellationToken);
                Record(recorder, result, intended, sent);
            }
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
        }
    }

    /// <summary>One client's sequence of requests: which are reads (a seeded draw per request) and where each read goes.</summary>
    private sealed class ClientRequests(BenchRun run, int c)
    {
        private readonly Random _draw = new(c);
        private long _reads;

        public async Task<(WriteResult Result, ClientRecorder Recorder)> NextAsync(long n, CancellationToken cancellationToken)
        {
            // Clients start at different offsets of the key space so they do not all hammer the same key.
            var key = c * 7919L + n;
            var ratio = run._plan.ReadRatio;
            if (ratio > 0 && (ratio >= 1 || _draw.NextDouble() < ratio))
            {
                // Each client walks the nodes in turn, from its own offset, so reads spread evenly over them.
                var node = run._readUris[(int)((c + _reads++) % run._readUris.Length)];
                return (await run._client.BenchReadAsync(node[key % node.Length], cancellationToken), run._readRecorders[c]);
            }

            var value = string.Create(CultureInfo.InvariantCulture, $"c{c}-w{n}");
            return (await run._client.WriteAsync(run._plan.Keys[key], value, run._plan.Quorum, cancellationToken), run._recorders[c]);
        }
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
