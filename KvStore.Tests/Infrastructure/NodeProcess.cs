using System.Diagnostics;

namespace KvStore.Tests.Infrastructure;

/// <summary>Runs the built KvStore.Node as a real process.</summary>
public static class NodeProcess
{
    public static string NodeDll => Path.Combine(AppContext.BaseDirectory, "KvStore.Node.dll");

    /// <param name="workingDirectory">Where the process starts; the node's own folder unless a test says otherwise.</param>
    public static ProcessStartInfo StartInfo(IDictionary<string, string?> environment, string? workingDirectory = null)
    {
        var info = new ProcessStartInfo("dotnet", [NodeDll])
        {
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = workingDirectory ?? AppContext.BaseDirectory,
        };

        // Start from a clean slate: the test runner's own settings must not leak into the node.
        foreach (var name in new[] { "ROLE", "NODE_NAME", "WRITE_QUORUM", "FOLLOWERS", "LEADER", "REPLICATION_TOKEN", "MIN_DELAY", "MAX_DELAY", "DATA_DIR" })
            info.Environment.Remove(name);
        foreach (var (name, value) in environment)
            info.Environment[name] = value;
        return info;
    }

    public static async Task<(int ExitCode, string Stdout, string Stderr)> RunToExitAsync(IDictionary<string, string?> environment, TimeSpan timeout)
    {
        using var process = Process.Start(StartInfo(environment))!;
        var stdout = process.StandardOutput.ReadToEndAsync();
        var stderr = process.StandardError.ReadToEndAsync();
        using var deadline = new CancellationTokenSource(timeout);
        try
        {
            await process.WaitForExitAsync(deadline.Token);
        }
        catch (OperationCanceledException)
        {
            process.Kill(entireProcessTree: true);
            Assert.Fail($"node did not exit within {timeout}");
        }

        return (process.ExitCode, await stdout, await stderr);
    }
}
