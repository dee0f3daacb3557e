using KvStore.AppHost.Orchestration;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.DependencyInjection;

namespace KvStore.AppHost.Hosting;

/// <summary>The built AppHost: <see cref="Run"/> starts the dashboard and the orchestrator and blocks until Ctrl+C or SIGTERM.</summary>
public sealed class DistributedApplication
{
    private readonly WebApplication _app;

    internal DistributedApplication(WebApplication app, DistributedApplicationModel model)
    {
        _app = app;
        Model = model;
    }

    public DistributedApplicationModel Model { get; }

    public IServiceProvider Services => _app.Services;

    public static IDistributedApplicationBuilder CreateBuilder(string[] args) => new DistributedApplicationBuilder(args);

    public void Run() => RunAsync().GetAwaiter().GetResult();

    /// <summary>
    /// Checks what would otherwise fail half-way (a parameter without a value, bad options, a port already taken) and
    /// reports it as one line with exit code 1 before anything starts; then runs until shutdown.
    /// </summary>
    public async Task RunAsync(CancellationToken cancellationToken = default)
    {
        if (Preflight.Check(_app.Services) is { } problem)
        {
            await Console.Error.WriteLineAsync("kvstore apphost: cannot start: " + problem);
            Environment.ExitCode = 1;
            return;
        }

        await _app.RunAsync(cancellationToken);
    }
}
