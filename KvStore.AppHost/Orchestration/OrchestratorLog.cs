using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Orchestration;

internal static partial class OrchestratorLog
{
    [LoggerMessage(1, LogLevel.Information, "Run {RunId}: state in {StateDirectory}")]
    public static partial void RunStarting(this ILogger logger, string runId, string stateDirectory);

    [LoggerMessage(2, LogLevel.Information, "{Resource} started, pid {Pid}, {Urls}")]
    public static partial void ResourceStarted(this ILogger logger, string resource, int pid, string urls);

    [LoggerMessage(3, LogLevel.Warning, "{Resource} exited with code {ExitCode}")]
    public static partial void ResourceExited(this ILogger logger, string resource, int exitCode);

    [LoggerMessage(4, LogLevel.Information, "{Resource} stopped (exit code {ExitCode})")]
    public static partial void ResourceStopped(this ILogger logger, string resource, int exitCode);

    [LoggerMessage(5, LogLevel.Error, "{Resource} failed to start: {Reason}")]
    public static partial void ResourceFailedToStart(this ILogger logger, string resource, string reason);

    [LoggerMessage(6, LogLevel.Information, "Built {Project} in {Seconds:0.0} s")]
    public static partial void ProjectBuilt(this ILogger logger, string project, double seconds);

    [LoggerMessage(7, LogLevel.Warning, "Children are not tied to the AppHost's life (util-linux setsid and setpriv not found): if the AppHost is killed with SIGKILL, stop them yourself")]
    public static partial void NoParentDeathSignal(this ILogger logger);

    [LoggerMessage(8, LogLevel.Information, "Stopping {Count} resources")]
    public static partial void StoppingAll(this ILogger logger, int count);
}
