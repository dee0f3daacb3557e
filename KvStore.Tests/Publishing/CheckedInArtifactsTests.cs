namespace KvStore.Tests.Publishing;

/// <summary>
/// aspire-manifest.json and docker-compose.yml at the repository's root are the publishers' output for the app model in
/// Program.cs: published again into a temporary folder (paths relative to the root, as when written there), they are
/// byte for byte the checked-in files. When this fails, publish them again (the message says how) and commit them.
/// </summary>
public sealed class CheckedInArtifactsTests : IDisposable
{
    private readonly string _output = Path.Combine(Path.GetTempPath(), "kvstore-publish-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task The_checked_in_manifest_is_what_the_model_publishes()
    {
        var manifest = Path.Combine(_output, "aspire-manifest.json");
        var (exitCode, output) = await AppHostCli.RunAsync(
            "--publisher", "manifest", "--output-path", manifest, $"--Publishing:PathBase={AppHostCli.RepositoryRoot}");

        Assert.True(exitCode == 0, output);
        AssertSame("aspire-manifest.json", manifest, "--publisher manifest --output-path aspire-manifest.json");
    }

    [Fact]
    public async Task The_checked_in_compose_file_is_what_the_model_publishes()
    {
        var (exitCode, output) = await AppHostCli.RunAsync(
            "--publisher", "docker-compose", "--output-path", _output, $"--Publishing:PathBase={AppHostCli.RepositoryRoot}");

        Assert.True(exitCode == 0, output);
        AssertSame("docker-compose.yml", Path.Combine(_output, "docker-compose.yml"), "--publisher docker-compose --output-path .");
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
            Directory.Delete(_output, recursive: true);
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
