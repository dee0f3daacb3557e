using KvStore.Tests.Publishing;

namespace KvStore.Tests.Compose;

/// <summary>
/// The AppHost's Compose deployment, published into a temporary folder (docker-compose.yml and its .env) and run under a
/// project name of its own, so it touches no other deployment's containers, network or volumes. Disposing takes it down
/// with its volumes (<c>down -v</c>) and deletes the folder, whatever happened before.
/// </summary>
public sealed class ComposeDeployment : IAsyncDisposable
{
    private static readonly TimeSpan CommandTimeout = TimeSpan.FromMinutes(2);
    private readonly DockerEngine _engine;

    private ComposeDeployment(DockerEngine engine, string directory, string projectName)
    {
        _engine = engine;
        Directory = directory;
        ProjectName = projectName;
    }

    public string Directory { get; }

    public string ProjectName { get; }

    /// <summary>The bridge network Compose creates for the file's <c>aspire</c> network.</summary>
    public string Network => $"{ProjectName}_aspire";

    public IReadOnlyDictionary<string, string> Env { get; private set; } = new Dictionary<string, string>();

    public static async Task<ComposeDeployment> PublishAsync(DockerEngine engine)
    {
        var id = Guid.NewGuid().ToString("N")[..8];
        var directory = Path.Combine(Path.GetTempPath(), "kvstore-compose-e2e-" + id);
        var deployment = new ComposeDeployment(engine, directory, "kvstore-e2e-" + id);
        var (exitCode, output) = await AppHostCli.RunAsync("--publisher", "docker-compose", "--output-path", directory);
        Assert.True(exitCode == 0, "publishing the Compose deployment failed: " + output);
        deployment.Env = File.ReadAllLines(Path.Combine(directory, ".env")).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
        return deployment;
    }

    /// <summary>Starts every service (the images must exist: deploy/build-images.sh).</summary>
    public async Task UpAsync() => (await ComposeAsync("up", "-d", "--no-build")).EnsureSuccess("compose up");

    public Task<CommandResult> ComposeAsync(params string[] args) => CommandLine.RunAsync(
        _engine.ComposeFile,
        // The file's build contexts are relative to the repository's root (as where it is checked in); its .env is here.
        [.. _engine.ComposePrefix, "-p", ProjectName, "-f", Path.Combine(Directory, "docker-compose.yml"),
            "--project-directory", AppHostCli.RepositoryRoot, "--env-file", Path.Combine(Directory, ".env"), .. args],
        CommandTimeout, Directory);

    public static Task<CommandResult> DockerAsync(params string[] args) => CommandLine.RunAsync("docker", args, CommandTimeout);

    public async Task<string> ContainerAsync(string service)
    {
        var id = (await ComposeAsync("ps", "-q", service)).EnsureSuccess($"compose ps {service}").Output.Trim();
        Assert.False(string.IsNullOrEmpty(id), $"service {service} has no container");
        return id;
    }

    /// <summary>The last lines of every service's log, for a failure message.</summary>
    public async Task<string> LogsAsync() => (await ComposeAsync("logs", "--no-color", "--tail", "40")).Output;

    public async ValueTask DisposeAsync()
    {
        try
        {
            await ComposeAsync("down", "-v", "--remove-orphans", "--timeout", "5");
            // Whatever `down` left (it can give up on a service that never started): everything labelled with the project.
            var label = $"label=com.docker.compose.project={ProjectName}";
            foreach (var (list, remove) in new[] { ("ps -aq", "rm -f"), ("network ls -q", "network rm"), ("volume ls -q", "volume rm") })
            {
                var ids = (await DockerAsync([.. list.Split(' '), "--filter", label])).Output
                    .Split('\n', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries);
                if (ids.Length > 0)
                    await DockerAsync([.. remove.Split(' '), .. ids]);
            }
        }
        finally
        {
            if (System.IO.Directory.Exists(Directory))
                System.IO.Directory.Delete(Directory, recursive: true);
        }
    }
}
