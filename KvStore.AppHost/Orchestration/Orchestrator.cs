using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// Runs the model's project resources as child processes: builds them, starts those without explicit start when the
/// AppHost starts, tracks each one's state from its process and health check, starts, stops and restarts on request,
/// and stops them all (SIGTERM, then SIGKILL) when the AppHost stops.
/// </summary>
internal sealed partial class Orchestrator : IHostedService, IDisposable
{
    private static readonly TimeSpan StartingProbeInterval = TimeSpan.FromMilliseconds(200);
    private static readonly TimeSpan ProbeTimeout = TimeSpan.FromSeconds(2);

    private readonly RunContext _run;
    private readonly OrchestratorOptions _options;
    private readonly TelemetrySettings _telemetry;
    private readonly string _environmentName;
    private readonly TimeProvider _time;
    private readonly ILogger<Orchestrator> _logger;
    private readonly IReadOnlyList<ResourceRuntime> _resources;
    private readonly ProcessLauncher _launcher;
    private readonly ProjectBuilder _builder;
    private readonly HttpClient _probeClient = new(new SocketsHttpHandler { PooledConnectionLifetime = TimeSpan.FromSeconds(30) });
    private readonly CancellationTokenSource _shutdown = new();
    private Task _startup = Task.CompletedTask;

    public Orchestrator(DistributedApplicationModel model, RunContext run, IOptions<OrchestratorOptions> options, TelemetrySettings telemetry,
        IHostEnvironment environment, TimeProvider time, ILogger<Orchestrator> logger)
    {
        _run = run;
        _options = options.Value;
        _telemetry = telemetry;
        _environmentName = environment.EnvironmentName;
        _time = time;
        _logger = logger;
        _launcher = new ProcessLauncher(_options.KillChildrenWithAppHost);
        _builder = new ProjectBuilder(logger);
        var secrets = model.Parameters.Where(p => p.Secret).Select(p => p.Name).ToHashSet();
        _resources = model.Projects.Select(p => NewRuntime(p, secrets)).ToList();
    }

    public IReadOnlyList<ResourceSnapshot> Snapshots() => _resources.Select(r => r.Snapshot()).ToList();

    public ResourceSnapshot? Snapshot(string name) => Find(name)?.Snapshot();

    public ResourceLogBuffer? Logs(string name) => Find(name)?.Logs;

    public Task StartAsync(CancellationToken cancellationToken)
    {
        Directory.CreateDirectory(_run.StateDirectory);
        _logger.RunStarting(_run.RunId, _run.StateDirectory);
        if (!_launcher.KillsChildrenWithAppHost)
            _logger.NoParentDeathSignal();

        if (_run.ExternalResources)
        {
            foreach (var runtime in _resources)
                Watch(runtime);
            return Task.CompletedTask;
        }

        var autoStart = _resources.Where(r => !r.Resource.ExplicitStart).ToList();
        _startup = Task.Run(() => Task.WhenAll(autoStart.Select(r => RunCommandAsync(r, StartCoreAsync, _shutdown.Token))), CancellationToken.None);
        return Task.CompletedTask;
    }

    public async Task StopAsync(CancellationToken cancellationToken)
    {
        await _shutdown.CancelAsync();
        await _startup.ContinueWith(_ => { }, CancellationToken.None, TaskContinuationOptions.None, TaskScheduler.Default);
        _logger.StoppingAll(_resources.Count(r => r.Process is not null));
        await Task.WhenAll(_resources.Select(r => RunCommandAsync(r, StopCoreAsync, CancellationToken.None)));
    }

    public Task<ResourceCommandResult> StartResourceAsync(string name) => Command(name, StartCoreAsync);

    public Task<ResourceCommandResult> StopResourceAsync(string name) => Command(name, StopCoreAsync);

    public Task<ResourceCommandResult> RestartResourceAsync(string name) => Command(name, async (runtime, ct) =>
    {
        await StopCoreAsync(runtime, ct);
        return await StartCoreAsync(runtime, ct);
    });

    public void Dispose()
    {
        _launcher.Dispose();
        _probeClient.Dispose();
        foreach (var resource in _resources)
            resource.Dispose();
        _shutdown.Dispose();
    }

    private ResourceRuntime NewRuntime(ProjectResource project, HashSet<string> secretParameters) => new(
        project,
        new ResourceLogBuffer(_options.LogLinesPerResource, _time),
        [.. project.Endpoints.Select(e => _run.EndpointUrl(project.Name, e.Name))],
        // What the dashboard shows of the environment: the model's variables for this run, secret parameters masked.
        [.. project.Environment.Select(v => new EnvironmentEntry(
            v.Name, v.Value is ParameterValue p && secretParameters.Contains(p.Parameter) ? "******" : Display(v.Value)))],
        [.. project.Args.Select(Display)]);

    // Resources that run elsewhere got their values from their deployment, which this AppHost does not know: show the expressions.
    private string Display(ValueExpression value) => _run.ExternalResources ? value.ManifestExpression : _run.Resolve(value);

    private ResourceRuntime? Find(string name) => _resources.FirstOrDefault(r => r.Resource.Name == name);

    private Task<ResourceCommandResult> Command(string name, Func<ResourceRuntime, CancellationToken, Task<ResourceCommandResult>> command) => Find(name) switch
    {
        null => Task.FromResult(new ResourceCommandResult(ResourceCommandOutcome.NotFound, null, $"no resource named '{name}'")),
        var runtime when _run.ExternalResources => Task.FromResult(new ResourceCommandResult(ResourceCommandOutcome.Conflict, runtime.Snapshot(),
            $"{name} runs outside this AppHost (dashboard-only mode): start or stop it where it is deployed, e.g. docker compose start {name}")),
        var runtime => RunCommandAsync(runtime, command, _shutdown.Token),
    };

    /// <summary>Dashboard-only mode: follows a resource that runs elsewhere through its health check, at its discovered URL.</summary>
    private void Watch(ResourceRuntime runtime)
    {
        var resource = runtime.Resource;
        if (resource.HealthCheck is not { } check)
        {
            runtime.SetState(ResourceState.NotStarted, $"not watched: {resource.Name} has no health check (it may run from the host, on demand)");
            return;
        }

        var url = new Uri(_run.EndpointUrl(resource.Name, check.Endpoint) + check.Path);
        runtime.Watching(_time.GetUtcNow());
        runtime.Logs.Append(LogSource.System,
            $"{resource.Name} runs outside this AppHost; watching {url}. Its console output is where it runs (docker compose logs {resource.Name}).");
        _startup = Task.WhenAll(_startup, ProbeHealthAsync(runtime, process: null, url, _shutdown.Token));
    }

    // One command at a time per resource: a restart is not interleaved with a stop from another browser tab.
    private static async Task<ResourceCommandResult> RunCommandAsync(
        ResourceRuntime runtime, Func<ResourceRuntime, CancellationToken, Task<ResourceCommandResult>> command, CancellationToken cancellationToken)
    {
        await runtime.Commands.WaitAsync(CancellationToken.None);
        try
        {
            return await command(runtime, cancellationToken);
        }
        catch (OperationCanceledException)
        {
            runtime.SetState(ResourceState.Stopped, "the AppHost is shutting down");
            return new ResourceCommandResult(ResourceCommandOutcome.Conflict, runtime.Snapshot(), "the AppHost is shutting down");
        }
        finally
        {
            runtime.Commands.Release();
        }
    }

    private async Task<ResourceCommandResult> StartCoreAsync(ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        var resource = runtime.Resource;
        if (runtime.Process is not null)
            return new ResourceCommandResult(ResourceCommandOutcome.Conflict, runtime.Snapshot(), $"{resource.Name} is already running");

        var project = ProjectOutput.For(resource);
        if (!_options.NoBuild)
        {
            runtime.SetState(ResourceState.Building);
            runtime.Logs.Append(LogSource.System, $"Building {project.ProjectFile}");
            var build = await _builder.BuildAsync(project).WaitAsync(cancellationToken);
            if (!build.Succeeded)
            {
                foreach (var line in build.Output)
                    runtime.Logs.Append(LogSource.System, line);
                return Fail(runtime, $"the build of {Path.GetFileName(project.ProjectFile)} failed (see its console log)");
            }

            runtime.Logs.Append(LogSource.System, $"Build succeeded ({build.Duration.TotalSeconds:0.0} s)");
        }

        if (!File.Exists(project.Dll))
            return Fail(runtime, $"{project.Dll} does not exist: build {Path.GetFileName(project.ProjectFile)} or run the AppHost without --no-build");

        foreach (var endpoint in resource.Endpoints)
        {
            var port = _run.Port(resource.Name, endpoint.Name);
            if (!PortProbe.IsFree(port))
                return Fail(runtime, $"port {port} for {resource.Name} ({endpoint.Name}) is already in use");
        }

        cancellationToken.ThrowIfCancellationRequested();
        Directory.CreateDirectory(_run.ResourceStateDirectory(resource.Name));
        var environment = ProcessEnvironment.For(resource, _run, _telemetry, _environmentName);
        string[] args = [project.Dll, .. resource.Args.Select(_run.Resolve)];
        runtime.Logs.Append(LogSource.System, $"Starting {resource.Name}: dotnet {string.Join(' ', args)}");

        ChildProcess process;
        try
        {
            process = await _launcher.StartAsync(DotNetHost.Path, args, environment, project.ProjectDirectory, runtime.Logs.Append);
        }
        catch (Exception e) when (e is System.ComponentModel.Win32Exception or InvalidOperationException)
        {
            return Fail(runtime, $"the process could not be started: {e.Message}");
        }

        var running = runtime.Started(process, _time.GetUtcNow(), resource.HealthCheck is not null);
        var snapshot = runtime.Snapshot();
        _logger.ResourceStarted(resource.Name, process.Pid, string.Join(", ", snapshot.Urls));
        _ = MonitorExitAsync(runtime, process);
        if (resource.HealthCheck is { } check)
        {
            var url = new Uri(_run.EndpointUrl(resource.Name, check.Endpoint) + check.Path);
            _ = ProbeHealthAsync(runtime, process, url, running);
        }

        return new ResourceCommandResult(ResourceCommandOutcome.Done, snapshot);
    }

    private async Task<ResourceCommandResult> StopCoreAsync(ResourceRuntime runtime, CancellationToken cancellationToken)
    {
        if (runtime.Process is not { } process)
            return new ResourceCommandResult(ResourceCommandOutcome.Done, runtime.Snapshot());

        runtime.RequestStop();
        runtime.Logs.Append(LogSource.System, $"Stopping {runtime.Resource.Name} (SIGTERM, SIGKILL after {_options.StopTimeout.TotalSeconds:0.#} s)");
        var exitCode = await process.StopAsync(_options.StopTimeout, _time);
        // The exit monitor records it too; whichever runs first wins, so the answer below already says Stopped.
        if (runtime.Exited(process, exitCode, _time.GetUtcNow()))
            _logger.ResourceStopped(runtime.Resource.Name, exitCode);
        return new ResourceCommandResult(ResourceCommandOutcome.Done, runtime.Snapshot());
    }

    private ResourceCommandResult Fail(ResourceRuntime runtime, string reason)
    {
        runtime.SetState(ResourceState.FailedToStart, reason);
        runtime.Logs.Append(LogSource.System, reason);
        _logger.ResourceFailedToStart(runtime.Resource.Name, reason);
        return new ResourceCommandResult(ResourceCommandOutcome.Failed, runtime.Snapshot(), reason);
    }

    private async Task MonitorExitAsync(ResourceRuntime runtime, ChildProcess process)
    {
        var exitCode = await process.Exited;
        var stopRequested = runtime.StopRequested;
        if (runtime.Exited(process, exitCode, _time.GetUtcNow()))
        {
            runtime.Logs.Append(LogSource.System, $"Process {process.Pid} exited with code {exitCode}");
            if (stopRequested)
                _logger.ResourceStopped(runtime.Resource.Name, exitCode);
            else
                _logger.ResourceExited(runtime.Resource.Name, exitCode);
        }

        process.Dispose();
    }

    /// <summary>Probes until <paramref name="cancellationToken"/> ends; <paramref name="process"/> is null for a resource that runs elsewhere.</summary>
    private async Task ProbeHealthAsync(ResourceRuntime runtime, ChildProcess? process, Uri url, CancellationToken cancellationToken)
    {
        try
        {
            while (true)
            {
                runtime.ReportHealth(process, await IsHealthyAsync(url, cancellationToken));
                var interval = runtime.State == ResourceState.Starting ? StartingProbeInterval : _options.HealthProbeInterval;
                await Task.Delay(interval, _time, cancellationToken);
            }
        }
        catch (OperationCanceledException)
        {
            // The process exited or is being stopped.
        }
    }

    private async Task<bool> IsHealthyAsync(Uri url, CancellationToken cancellationToken)
    {
        using var timeout = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        timeout.CancelAfter(ProbeTimeout);
        try
        {
            using var response = await _probeClient.GetAsync(url, timeout.Token);
            return response.IsSuccessStatusCode;
        }
        catch (HttpRequestException)
        {
            return false;
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            return false;
        }
    }
}
