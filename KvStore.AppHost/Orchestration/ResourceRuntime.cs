using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// One resource's live state: its current process, state, health and console log. Commands (start, stop) run one at a
/// time per resource (<see cref="Commands"/>); state changes from the process and the health probe take <c>_lock</c>.
/// </summary>
internal sealed class ResourceRuntime(
    ProjectResource resource, ResourceLogBuffer logs, IReadOnlyList<string> urls, IReadOnlyList<EnvironmentEntry> environment, IReadOnlyList<string> args)
    : IDisposable
{
    private readonly Lock _lock = new();
    private ResourceState _state = ResourceState.NotStarted;
    private HealthStatus? _health;
    private int? _exitCode;
    private DateTimeOffset? _startedAt;
    private DateTimeOffset? _stoppedAt;
    private int _starts;
    private string? _message;

    // Ends the current run's health probe when its process exits.
    private CancellationTokenSource? _runCancellation;

    public ProjectResource Resource { get; } = resource;

    public ResourceLogBuffer Logs { get; } = logs;

    public SemaphoreSlim Commands { get; } = new(1, 1);

    /// <summary>The process of the current run, until it exits; changed under <c>_lock</c>, read without it (one reference).</summary>
    public ChildProcess? Process { get; private set; }

    public bool StopRequested { get; private set; }

    public ResourceState State
    {
        get
        {
            lock (_lock)
                return _state;
        }
    }

    public void SetState(ResourceState state, string? message = null)
    {
        lock (_lock)
        {
            _state = state;
            _message = message;
        }
    }

    /// <summary>Records a new run; the token ends when this run's process exits.</summary>
    public CancellationToken Started(ChildProcess process, DateTimeOffset now, bool hasHealthCheck)
    {
        lock (_lock)
        {
            Process = process;
            _runCancellation = new CancellationTokenSource();
            StopRequested = false;
            _state = hasHealthCheck ? ResourceState.Starting : ResourceState.Running;
            _health = null;
            _exitCode = null;
            _message = null;
            _startedAt = now;
            _stoppedAt = null;
            _starts++;
            return _runCancellation.Token;
        }
    }

    /// <summary>Dashboard-only mode: the resource runs elsewhere and is followed by its health check from now on.</summary>
    public void Watching(DateTimeOffset now)
    {
        lock (_lock)
        {
            _state = ResourceState.Starting;
            _health = null;
            _message = null;
            _startedAt = now;
            _starts = 1;
        }
    }

    public void RequestStop()
    {
        lock (_lock)
        {
            StopRequested = true;
            _state = ResourceState.Stopping;
        }
    }

    /// <summary>Records the end of <paramref name="process"/>; ignored if a newer run has replaced it.</summary>
    public bool Exited(ChildProcess process, int exitCode, DateTimeOffset now)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(Process, process))
                return false;
            _runCancellation?.Cancel();
            _runCancellation?.Dispose();
            _runCancellation = null;
            Process = null;
            _state = StopRequested ? ResourceState.Stopped : ResourceState.Exited;
            _exitCode = exitCode;
            _health = null;
            _stoppedAt = now;
            return true;
        }
    }

    /// <summary>
    /// A health probe's answer for <paramref name="process"/> (null: a resource that runs elsewhere): the first pass makes
    /// it Running, a later failure Unhealthy.
    /// </summary>
    public void ReportHealth(ChildProcess? process, bool healthy)
    {
        lock (_lock)
        {
            if (!ReferenceEquals(Process, process) || _state is ResourceState.Stopping)
                return;
            _health = healthy ? HealthStatus.Healthy : HealthStatus.Unhealthy;
            _state = (_state, healthy) switch
            {
                (_, true) => ResourceState.Running,
                (ResourceState.Starting, false) => ResourceState.Starting,
                _ => ResourceState.Unhealthy,
            };
        }
    }

    public ResourceSnapshot Snapshot()
    {
        lock (_lock)
        {
            return new ResourceSnapshot(
                Resource.Name, "Project", _state, _health, _exitCode,
                urls, Process?.Pid, _startedAt, _stoppedAt, Math.Max(0, _starts - 1), Resource.ExplicitStart,
                _message, args, environment);
        }
    }

    public void Dispose()
    {
        Commands.Dispose();
        _runCancellation?.Dispose();
    }
}
