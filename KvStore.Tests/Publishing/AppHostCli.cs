using System.Diagnostics;
using System.Reflection;

namespace KvStore.Tests.Publishing;

/// <summary>Runs the built AppHost as <c>dotnet run --project KvStore.AppHost</c> does (from its project folder) and returns what it printed.</summary>
public static class AppHostCli
{
    public static string ProjectDirectory { get; } = Directory.Exists(Projects.KvStore_AppHost.ProjectPath)
        ? Projects.KvStore_AppHost.ProjectPath
        : Path.GetDirectoryName(Projects.KvStore_AppHost.ProjectPath)!;

    /// <summary>The repository's root: the AppHost project's parent folder, where the published files are checked in.</summary>
    public static string RepositoryRoot { get; } = Path.GetFullPath(Path.Combine(ProjectDirectory, ".."));

    // The AppHost's own build output (its dependencies are not the test project's), in the configuration the tests were built in.
    private static string AppHostDll => Path.Combine(ProjectDirectory, "bin",
        typeof(AppHostCli).Assembly.GetCustomAttribute<AssemblyConfigurationAttribute>()!.Configuration, "net10.0", "KvStore.AppHost.dll");

    public static async Task<(int ExitCode, string Output)> RunAsync(params string[] args)
    {
        var info = new ProcessStartInfo("dotnet")
        {
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            WorkingDirectory = ProjectDirectory,
        };
        foreach (var arg in (string[])[AppHostDll, .. args])
            info.ArgumentList.Add(arg);

        using var process = Process.Start(info)!;
        var stdout = process.StandardOutput.ReadToEndAsync(TestContext.Current.CancellationToken);
        var stderr = process.StandardError.ReadToEndAsync(TestContext.Current.CancellationToken);
        try
        {
            await process.WaitForExitAsync(TestContext.Current.CancellationToken).WaitAsync(TimeSpan.FromSeconds(90));
        }
        catch (TimeoutException)
        {
            process.Kill(entireProcessTree: true);
            throw;
        }

        return (process.ExitCode, await stdout + await stderr);
    }
}
