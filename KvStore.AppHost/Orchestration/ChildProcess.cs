using System.Diagnostics;

namespace KvStore.AppHost.Orchestration;

/// <summary>A running child with its output wired to a log, stopped gracefully (SIGTERM) then for sure (SIGKILL).</summary>
internal sealed class ChildProcess : IDisposable
{
    private readonly Process _process;

    private ChildProcess(Process process)
    {
        _process = process;
        Pid = process.Id;
        // Completes after the exit and the last line of output, so the log is whole when the state says Exited.
        Exited = WaitAsync(process);
    }

    public int Pid { get; }

    /// <summary>The exit code, once the process has exited.</summary>
    public Task<int> Exited { get; }

    public static ChildProcess Start(ProcessStartInfo info, Action<LogSource, string> output)
    {
        var process = new Process { StartInfo = info };
        process.OutputDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                output(LogSource.Stdout, e.Data);
        };
        process.ErrorDataReceived += (_, e) =>
        {
            if (e.Data is not null)
                output(LogSource.Stderr, e.Data);
        };
        process.Start();
        process.BeginOutputReadLine();
        process.BeginErrorReadLine();
        return new ChildProcess(process);
    }

    /// <summary>SIGTERM, then SIGKILL if it has not exited after <paramref name="grace"/>.</summary>
    public async Task<int> StopAsync(TimeSpan grace, TimeProvider time)
    {
        if (!Exited.IsCompleted && !PosixSignals.Terminate(Pid))
            Kill();
        try
        {
            return await Exited.WaitAsync(grace, time);
        }
        catch (TimeoutException)
        {
            Kill();
            return await Exited;
        }
    }

    public void Kill()
    {
        try
        {
            _process.Kill(entireProcessTree: true);
        }
        catch (InvalidOperationException)
        {
            // Already exited.
        }
    }

    public void Dispose() => _process.Dispose();

    private static async Task<int> WaitAsync(Process process)
    {
        await process.WaitForExitAsync();
        return process.ExitCode;
    }
}
