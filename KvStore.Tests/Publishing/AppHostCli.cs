using System.Diagnostics;
using KvStore.AppHost.Hosting;
using KvStore.Tests.AppHost;

namespace KvStore.Tests.Publishing;

/// <summary>Runs the built AppHost as a user does (<c>dotnet KvStore.AppHost.dll ARGS</c>) and returns what it printed.</summary>
public static class AppHostCli
{
    /// <summary>The repository's root: the AppHost project's parent folder, where the published files are checked in.</summary>
    public static string RepositoryRoot => Path.GetFullPath(Path.Combine(AppHostAssembly.ProjectDirectory, ".."));

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = Path.GetTempPath(),
        };
        foreach (var arg in (string[])[AppHostProcess.AppHostDll, .. args])
            info.ArgumentList.Add(arg);

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(60));
        }
        catch (TimeoutException)
        {
            process.Kill();
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
