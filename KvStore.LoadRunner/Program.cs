using System.Runtime.InteropServices;
using KvStore.LoadRunner;
using KvStore.LoadRunner.Diagnostics;
using KvStore.ServiceDefaults;
using KvStore.ServiceDefaults.Telemetry;

InlineSocketCompletions.Enable();

// Each request is a client span; exported (with the nodes' spans beneath it) when OTEL_EXPORTER_OTLP_ENDPOINT is set.
using var tracing = TelemetryExtensions.StartTracingForTool("loadrunner", LoadRunnerTelemetry.SourceName);

using var interrupt = new CancellationTokenSource();

// The first Ctrl+C stops the load and reports what was measured; a second one ends the process at once.
Console.CancelKeyPress += (_, e) =>
{
    e.Cancel = !interrupt.IsCancellationRequested;
    interrupt.Cancel();
};

// An orchestrator stopping the resource (our AppHost, docker stop) sends SIGTERM: report too, then exit.
using var terminate = PosixSignalRegistration.Create(PosixSignal.SIGTERM, signal =>
{
    signal.Cancel = true;
    interrupt.Cancel();
});

return await LoadRunnerApp.RunAsync(args, Console.Out, Console.Error, interrupt.Token);
