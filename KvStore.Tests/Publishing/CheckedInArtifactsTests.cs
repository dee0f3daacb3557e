namespace KvStore.Tests.Publishing;

/// <summary>
/// aspire-manifest.json and docker-compose.yml at the repository's root are what Aspire's manifest publisher and our
/// Compose publishing step write for the app model in Program.cs: published again, they are byte for byte the
/// checked-in files. When this fails, publish them again (the message says how) and commit them.
/// </summary>
public sealed class CheckedInArtifactsTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "kvstore-publish-" + Guid.NewGuid().ToString("N"));

    // Manifest paths are relative to the file's folder: this copy is written beside the checked-in one, then removed.
    private readonly string _manifest = Path.Combine(AppHostCli.RepositoryRoot, $".aspire-manifest.{Guid.NewGuid():N}.json");

    [Fact]
    public async Task The_checked_in_manifest_is_what_the_model_publishes()
    {
        var (exitCode, output) = await AppHostCli.RunAsync("--publisher", "manifest", "--output-path", _manifest);

        Assert.True(exitCode == 0, output);
        AssertSame("aspire-manifest.json", _manifest, "--publisher manifest --output-path \"$PWD/aspire-manifest.json\"");
    }

    [Fact]
    public async Task The_checked_in_compose_file_is_what_the_model_publishes()
    {
        var (exitCode, output) = await AppHostCli.RunAsync("--publisher", "docker-compose", "--output-path", _output);

        Assert.True(exitCode == 0, output);
        AssertSame("docker-compose.yml", Path.Combine(_output, "docker-compose.yml"), "--publisher docker-compose --output-path \"$PWD\"");
        Assert.Contains("REPLICATION_TOKEN=", File.ReadAllText(Path.Combine(_output, ".env")), StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_compose_step_that_cannot_write_exits_non_zero()
    {
        // A file where the output folder should be: the step cannot create it.
        Directory.CreateDirectory(_output);
        var blocked = Path.Combine(_output, "not-a-folder");
        File.WriteAllText(blocked, "");

        var (exitCode, output) = await AppHostCli.RunAsync("--publisher", "docker-compose", "--output-path", blocked);

        Assert.True(exitCode != 0, "publishing into a file exited 0: " + output);
        Assert.False(File.Exists(Path.Combine(blocked, "docker-compose.yml")));
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
            Directory.Delete(_output, recursive: true);
        File.Delete(_manifest);
    }

    private static void AssertSame(string checkedInName, string published, string publishArgs)
    {
        var checkedIn = Path.Combine(AppHostCli.RepositoryRoot, checkedInName);
        Assert.True(File.Exists(checkedIn), $"{checkedInName} is missing at the repository root");
        var expected = File.ReadAllText(published);
        var actual = File.ReadAllText(checkedIn);
        if (expected == actual)
            return;

        var expectedLines = expected.Split('\n');
        var actualLines = actual.Split('\n');
        var line = Enumerable.Range(0, Math.Max(expectedLines.Length, actualLines.Length))
            .First(i => i >= expectedLines.Length || i >= actualLines.Length || expectedLines[i] != actualLines[i]);
        Assert.Fail($"{checkedInName} no longer matches the app model (first difference at line {line + 1}: " +
            $"checked in '{actualLines.ElementAtOrDefault(line)}', published '{expectedLines.ElementAtOrDefault(line)}'). " +
            $"From the repository root run: dotnet run --project KvStore.AppHost -- {publishArgs}, and commit the result.");
    }
}
