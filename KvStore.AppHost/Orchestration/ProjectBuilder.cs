using System.Collections.Concurrent;
using System.Diagnostics;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// Builds each project at most once per run with <c>dotnet build</c>, however many resources run it (six nodes, one build).
/// The output is kept so every resource that waited on the build can show it in its console log when it fails.
/// </summary>
internal sealed class ProjectBuilder(ILogger logger)
{
    private readonly ConcurrentDictionary<string, Lazy<Task<BuildResult>>> _builds = new(StringComparer.Ordinal);

    public Task<BuildResult> BuildAsync(ProjectOutput project) =>
        _builds.GetOrAdd(project.ProjectFile, file => new Lazy<Task<BuildResult>>(() => RunBuildAsync(file))).Value;

    private async Task<BuildResult> RunBuildAsync(string projectFile)
    {
        var info = new ProcessStartInfo
        {
            FileName = DotNetHost.Path,
            UseShellExecute = false,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            RedirectStandardInput = true,
        };
        // No MSBuild worker nodes left behind after the build: they would outlive the AppHost as stray processes.
        foreach (var arg in (string[])["build", projectFile, "--configuration", AppHostAssembly.Configuration, "--nologo", "--verbosity", "quiet", "-nodeReuse:false"])
            info.ArgumentList.Add(arg);

        var output = new ConcurrentQueue<string>();
        var stopwatch = Stopwatch.StartNew();
        using var process = ChildProcess.Start(info, (_, line) => output.Enqueue(line));
        var exitCode = await process.Exited;
        if (exitCode == 0)
            logger.ProjectBuilt(Path.GetFileName(projectFile), stopwatch.Elapsed.TotalSeconds);
        return new BuildResult(exitCode == 0, [.. output], stopwatch.Elapsed);
    }
}

public sealed record BuildResult(bool Succeeded, IReadOnlyList<string> Output, TimeSpan Duration);
