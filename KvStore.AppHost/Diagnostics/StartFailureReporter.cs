using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Diagnostics;

/// <summary>
/// Puts a resource's reason for exiting into the AppHost's own console. A node that cannot start prints one line
/// (<c>kvstore: cannot start: ...</c>) and exits with code 2; DCP keeps that line in the resource's log, where only
/// the dashboard shows it, and the console would say no more than "exited". This repeats the last line the
/// resource wrote to stderr next to its exit code.
/// </summary>
internal sealed partial class StartFailureReporter(
    DistributedApplicationModel model, ResourceNotificationService notifications, ResourceLoggerService logs,
    ILogger<StartFailureReporter> logger) : BackgroundService
{
    protected override Task ExecuteAsync(CancellationToken stoppingToken) =>
        Task.WhenAll(model.Resources.OfType<ProjectResource>().Select(r => WatchAsync(r, stoppingToken)));

    private async Task WatchAsync(ProjectResource resource, CancellationToken stoppingToken)
    {
        string? lastError = null;
        var reading = Task.Run(async () =>
        {
            await foreach (var batch in logs.WatchAsync(resource).WithCancellation(stoppingToken))
            {
                foreach (var line in batch.Where(l => l.IsErrorMessage && !string.IsNullOrWhiteSpace(l.Content)))
                    Volatile.Write(ref lastError, line.Content.Trim());
            }
        }, stoppingToken);

        try
        {
            // One report per run of the resource: a restarted node that fails again is reported again.
            DateTime? reportedRun = null;
            await foreach (var update in notifications.WatchAsync(stoppingToken).Where(u => u.Resource == resource))
            {
                var snapshot = update.Snapshot;
                if (snapshot.State?.Text is not { } state || !KnownResourceStates.TerminalStates.Contains(state) ||
                    snapshot.ExitCode is not { } exitCode || exitCode == 0 || reportedRun == snapshot.StartTimeStamp)
                {
                    continue;
                }

                reportedRun = snapshot.StartTimeStamp;
                // The log line may arrive just after the exit notification: give it a moment.
                var deadline = DateTime.UtcNow.AddSeconds(1);
                while (Volatile.Read(ref lastError) is null && DateTime.UtcNow < deadline)
                    await Task.Delay(50, stoppingToken);
                ResourceExited(logger, resource.Name, exitCode, Volatile.Read(ref lastError) ?? "(it wrote nothing to stderr)");
            }
        }
        catch (OperationCanceledException) when (stoppingToken.IsCancellationRequested)
        {
        }

        await reading.ContinueWith(_ => { }, TaskScheduler.Default);
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Error, Message = "{Resource} exited with code {ExitCode}: {Reason}")]
    private static partial void ResourceExited(ILogger logger, string resource, int exitCode, string reason);
}

public static class StartFailureReportingExtensions
{
    public static IDistributedApplicationBuilder AddStartFailureReporting(this IDistributedApplicationBuilder builder)
    {
        builder.Services.AddHostedService<StartFailureReporter>();
        return builder;
    }
}
