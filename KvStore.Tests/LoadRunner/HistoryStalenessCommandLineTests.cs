using KvStore.LoadRunner;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

/// <summary>The command line of <c>history</c> and <c>staleness</c>: refused arguments, an unreachable leader, help.</summary>
public sealed class HistoryStalenessCommandLineTests
{
    [Theory]
    [InlineData("--ops must be at least 1", "history", "--ops", "0")]
    [InlineData("--keys must be at least 1", "history", "--keys", "0")]
    [InlineData("--quorums: the range '5-2' runs backwards", "staleness", "--quorums", "5-2")]
    [InlineData("--writes must be at least 1", "staleness", "--writes", "0")]
    public async Task Bad_arguments_exit_2_with_a_clear_message(string message, params string[] args)
    {
        var result = await LoadRunnerCli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("history")]
    [InlineData("staleness")]
    public async Task An_unreachable_leader_exits_2_naming_the_url(string command)
    {
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";
        using var dir = new TempDirectory();

        var result = await LoadRunnerCli.RunAsync(command, "--leader", url, "--out", dir.Path);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains($"Cannot reach the KvStore leader at {url}/", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_history_and_staleness()
    {
        var result = await LoadRunnerCli.RunAsync("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        Assert.Contains("history", result.Output, StringComparison.Ordinal);
        Assert.Contains("staleness", result.Output, StringComparison.Ordinal);
    }
}
