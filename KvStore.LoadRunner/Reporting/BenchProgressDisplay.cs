using KvStore.LoadRunner.Commands;
using KvStore.LoadRunner.Load;
using Spectre.Console;

namespace KvStore.LoadRunner.Reporting;

/// <summary>
/// Shows a running bench's progress each second: a live Spectre progress bar on a terminal, plain lines otherwise
/// (redirected output, CI logs, tests), where redrawing would leave escape codes in the log.
/// </summary>
internal static class BenchProgressDisplay
{
    private static readonly TimeSpan Interval = TimeSpan.FromSeconds(1);

    public static async Task WatchAsync(CommandContext context, BenchRun run, TimeSpan duration, Task running)
    {
        ArgumentNullException.ThrowIfNull(context);
        ArgumentNullException.ThrowIfNull(run);
        if (!context.Interactive)
        {
            await EachSecondAsync(run, running, (_, line) => context.Console.WriteLine(line));
            return;
        }

        await context.Console.Progress()
            .AutoClear(false)
            .Columns(new TaskDescriptionColumn { Alignment = Justify.Left }, new ProgressBarColumn(), new ElapsedTimeColumn())
            .StartAsync(async progress =>
            {
                var task = progress.AddTask("starting", maxValue: duration.TotalSeconds);
                await EachSecondAsync(run, running, (now, line) =>
                {
                    task.Value = Math.Min(now.Elapsed.TotalSeconds, duration.TotalSeconds);
                    task.Description = Markup.Escape(line);
                });
                task.Value = task.MaxValue;
            });
    }

    private static async Task EachSecondAsync(BenchRun run, Task running, Action<BenchProgress, string> show)
    {
        using var timer = new PeriodicTimer(Interval);
        var last = run.Progress();
        while (!running.IsCompleted)
        {
            await Task.WhenAny(timer.WaitForNextTickAsync().AsTask(), running);
            if (running.IsCompleted)
                return;

            var now = run.Progress();
            var interval = now.Since(last);
            show(now, $"{now.Elapsed.TotalSeconds,4:0} s  {Format.Count(now.Succeeded),10} ok  {Format.Rate(interval.OpsPerSecond),8} ops/s  " +
                $"mean {Format.Ms(interval.MeanLatencyMs),6} ms  errors {Format.Count(now.Failed)}");
            last = now;
        }
    }
}
