using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using OpenTelemetry;
using OpenTelemetry.Logs;
using OpenTelemetry.Metrics;
using OpenTelemetry.Trace;

namespace KvStore.ServiceDefaults.Telemetry;

/// <summary>
/// Shuts the three OpenTelemetry providers down side by side once every hosted service has stopped, each given the
/// export timeout (in milliseconds) for its last export. Left to the service provider's disposal they shut down one after another, and
/// when the collector is gone (the dashboard stopped first) each retries its last export until that timeout, so a
/// stopping process waited three timeouts instead of one, most of <c>docker stop</c>'s 10 s grace. It runs in <see cref="StoppedAsync"/>, after Kestrel has drained, so the spans and logs of the
/// requests that finished during the drain are still exported. The disposal that follows finds the providers shut
/// down and returns at once.
/// </summary>
internal sealed class TelemetryShutdown(IServiceProvider services, int timeout) : IHostedLifecycleService
{
    public Task StoppedAsync(CancellationToken cancellationToken)
    {
        var shutdowns = new List<Task>(3);
        if (services.GetService<TracerProvider>() is { } tracer)
            shutdowns.Add(Task.Run(() => tracer.Shutdown(timeout), CancellationToken.None));
        if (services.GetService<MeterProvider>() is { } meter)
            shutdowns.Add(Task.Run(() => meter.Shutdown(timeout), CancellationToken.None));
        if (services.GetService<LoggerProvider>() is { } logger)
            shutdowns.Add(Task.Run(() => logger.Shutdown(timeout), CancellationToken.None));
        // Each shutdown returns within the timeout (an export still running then is abandoned on its background thread).
        return Task.WhenAll(shutdowns);
    }

    public Task StartingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StartedAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StoppingAsync(CancellationToken cancellationToken) => Task.CompletedTask;

    public Task StopAsync(CancellationToken cancellationToken) => Task.CompletedTask;
}
