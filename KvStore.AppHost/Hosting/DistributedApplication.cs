using KvStore.AppHost.Orchestration;
using KvStore.AppHost.Publishing;
using Microsoft.AspNetCore.Builder;

namespace KvStore.AppHost.Hosting;

/// <summary>
/// The built AppHost. <see cref="Run"/> either starts the dashboard (and the orchestrator, unless the resources run
/// elsewhere) and blocks until Ctrl+C or SIGTERM, or, with a publisher, writes the deployment artifact and returns.
/// </summary>
public sealed class DistributedApplication
{
    private readonly WebApplication? _app;
    private readonly PublishingRun? _publishing;

    internal DistributedApplication(WebApplication app, DistributedApplicationModel model, AppHostMode mode)
    {
        _app = app;
        Model = model;
        Mode = mode;
    }

    internal DistributedApplication(PublishingRun publishing, DistributedApplicationModel model)
    {
        _publishing = publishing;
        Model = model;
        Mode = AppHostMode.Publish;
    }

    public DistributedApplicationModel Model { get; }

    public AppHostMode Mode { get; }

    /// <summary>The web host's services; a publishing run has none (it starts no host).</summary>
    public IServiceProvider Services => _app?.Services ?? throw new InvalidOperationException("A publishing run starts no host and has no services.");

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => new DistributedApplicationBuilder(args);

    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Checks what would otherwise fail half-way (a parameter without a value, bad options, a port already taken) and
    /// reports it as one line with exit code 1 before anything starts; then runs until shutdown, or publishes.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (_publishing is not null)
        {
            Environment.ExitCode = await _publishing.RunAsync(Console.Out, Console.Error, cancellationToken);
            return;
        }

        if (Preflight.Check(_app!.Services) is { } problem)
        {
            await Console.Error.WriteLineAsync("kvstore apphost: cannot start: " + problem);
            Environment.ExitCode = 1;
            return;
        }

        await _app.RunAsync(cancellationToken);
    }
}
