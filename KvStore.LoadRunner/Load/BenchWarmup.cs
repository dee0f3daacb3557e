using System.Diagnostics;
using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Load;

/// <summary>
/// How long a bench warms up: a fixed time, or <see cref="Auto"/>: until the load stops getting faster. Auto exists
/// because a fresh cluster keeps compiling for much longer than a few seconds: each of the seven processes' JIT
/// recompiles its hot paths (tier 0, then instrumented, then optimized) on a background thread that competes with the
/// load for the same cores, and more so with telemetry on (more code to compile). A fixed short warm-up measures that
/// compilation instead of the store, and measures it differently in two setups that differ in their amount of code.
/// </summary>
internal sealed record BenchWarmup(TimeSpan? Fixed)
{
    /// <summary>Auto: at least this long (a few rounds to compare)...</summary>
    public static readonly TimeSpan AutoMinimum = TimeSpan.FromSeconds(10);

    /// <summary>...and at most this long, steady or not (the report says which).</summary>
    public static readonly TimeSpan AutoMaximum = TimeSpan.FromSeconds(60);

    /// <summary>Auto stops once the last <see cref="Window"/> rounds are less than this much better than the ones before them.</summary>
    public const double SteadyGain = 0.05;

    /// <summary>
    /// Rounds compared on each side: five one-second rounds, so that a slow climb (the JIT finishing a few methods a
    /// second) shows as more than <see cref="SteadyGain"/> over five seconds, and one noisy second does not end it.
    /// </summary>
    public const int Window = 5;

    private static readonly TimeSpan Round = TimeSpan.FromSeconds(1);

    public static BenchWarmup Auto { get; } = new((TimeSpan?)null);

    public bool IsAuto => Fixed is null;

    public override string ToString() => Fixed is { } f ? f.ToString() : "auto";

    /// <summary>
    /// Sends the plan's load, unmeasured. Auto runs it in one-second rounds (each lets its requests in flight finish, so
    /// no connection is torn down) and compares the last three with the three before: throughput in a closed loop,
    /// mean latency in an open loop (whose throughput is fixed by its rate).
    /// </summary>
    public async Task<WarmupOutcome> RunAsync(KvClient client, BenchPlan plan, CancellationToken cancellationToken)
    {
        var started = Stopwatch.GetTimestamp();
        if (Fixed is { } fixedTime)
        {
            var warm = fixedTime > TimeSpan.Zero ? await new BenchRun(client, plan with { Duration = fixedTime }).RunAsync(cancellationToken) : null;
            return new WarmupOutcome(Stopwatch.GetElapsedTime(started), warm?.Totals.Succeeded + warm?.Totals.Failed ?? 0, Steady: null, []);
        }

        var rounds = new List<double>();
        long requests = 0;
        while (!cancellationToken.IsCancellationRequested)
        {
            var round = await new BenchRun(client, plan with { Duration = Round }).RunAsync(cancellationToken);
            requests += round.Totals.Succeeded + round.Totals.Failed;
            var seconds = round.Elapsed.TotalSeconds;
            // Higher is better for both figures: writes a second, or the inverse of the mean latency.
            rounds.Add(plan.IsOpenLoop
                ? (round.Totals.Latency.Mean > 0 ? 1e9 / round.Totals.Latency.Mean : 0)
                : round.Totals.Succeeded / seconds);
            var elapsed = Stopwatch.GetElapsedTime(started);
            if (elapsed >= AutoMinimum && IsSteady(rounds))
                return new WarmupOutcome(elapsed, requests, Steady: true, rounds);
            if (elapsed >= AutoMaximum)
                return new WarmupOutcome(elapsed, requests, Steady: false, rounds);
        }

        return new WarmupOutcome(Stopwatch.GetElapsedTime(started), requests, Steady: false, rounds);
    }

    /// <summary>The last <see cref="Window"/> rounds' mean is within <see cref="SteadyGain"/> of the mean of the ones before (pure; tested alone).</summary>
    public static bool IsSteady(IReadOnlyList<double> rounds)
    {
        ArgumentNullException.ThrowIfNull(rounds);
        if (rounds.Count < 2 * Window)
            return false;
        double last = 0, before = 0;
        for (var i = 1; i <= Window; i++)
        {
            last += rounds[^i];
            before += rounds[^(i + Window)];
        }

        return last < before * (1 + SteadyGain);
    }
}

/// <summary>What the warm-up did: how long, how many requests, whether auto found the load steady (null when fixed), each round's figure.</summary>
internal sealed record WarmupOutcome(TimeSpan Elapsed, long Requests, bool? Steady, IReadOnlyList<double> Rounds);
