namespace KvStore.Tests.Compose;

/// <summary>
/// The Docker engine and Compose this machine has, if any: Compose v1 (<c>docker-compose</c>, Debian's) or v2
/// (<c>docker compose</c>). A test that needs them is skipped with the reason when they are missing, and fails under
/// CI=true, where .ci/install-docker.sh should have provided them.
/// </summary>
public sealed record DockerEngine(string ComposeFile, IReadOnlyList<string> ComposePrefix)
{
    private static readonly Lazy<Task<(DockerEngine? Engine, string? Missing)>> Detected = new(DetectAsync);

    public string ComposeDescription => string.Join(' ', [ComposeFile, .. ComposePrefix]);

    /// <summary>The engine, or skips (fails under CI=true) naming what is missing.</summary>
    public static async Task<DockerEngine> RequireAsync()
    {
        var (engine, missing) = await Detected.Value;
        if (engine is not null)
            return engine;
        var reason = $"{missing}; run .ci/install-docker.sh (as root) to install and start it";
        if (string.Equals(Environment.GetEnvironmentVariable("CI"), "true", StringComparison.OrdinalIgnoreCase))
            Assert.Fail("CI=true and " + reason);
        Assert.Skip(reason);
        return null!;
    }

    private static async Task<(DockerEngine?, string?)> DetectAsync()
    {
        var info = await CommandLine.RunAsync("docker", ["info", "--format", "{{.ServerVersion}}"], TimeSpan.FromSeconds(20));
        if (info.ExitCode != 0)
            return (null, "no Docker engine is reachable (docker info: " + info.Output.Trim().Split('\n')[0] + ")");
        if ((await CommandLine.RunAsync("docker-compose", ["version"], TimeSpan.FromSeconds(20))).ExitCode == 0)
            return (new DockerEngine("docker-compose", []), null);
        if ((await CommandLine.RunAsync("docker", ["compose", "version"], TimeSpan.FromSeconds(20))).ExitCode == 0)
            return (new DockerEngine("docker", ["compose"]), null);
        return (null, "Docker Compose is missing (neither docker-compose nor docker compose)");
    }
}
