using KvStore.LoadRunner;
using KvStore.Tests.Infrastructure;

namespace KvStore.Tests.LoadRunner;

public sealed class CommandLineTests
{
    [Theory]
    [InlineData("--clients must be at least 1", "sweep", "--clients", "0")]
    [InlineData("--quorums: the range '3-1' runs backwards", "sweep", "--quorums", "3-1")]
    [InlineData("--max-delay must not be below --min-delay", "sweep", "--min-delay", "0.01", "--max-delay", "0.001")]
    [InlineData("--duration must be a positive duration", "bench", "--duration", "soon")]
    [InlineData("--rate must be a positive number", "bench", "--rate", "-3")]
    [InlineData("--quorum must be at least 0", "bench", "--quorum", "-1")]
    [InlineData("Unrecognized command or argument 'frobnicate'", "frobnicate")]
    [InlineData("Required command was not provided", new string[0])]
    public async Task Bad_arguments_exit_2_with_a_clear_message(string message, params string[] args)
    {
        var result = await LoadRunnerCli.RunAsync(args);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains(message, result.Error, StringComparison.Ordinal);
        Assert.Contains("--help", result.Error, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData("check")]
    [InlineData("sweep")]
    [InlineData("bench")]
    public async Task An_unreachable_leader_exits_2_naming_the_url(string command)
    {
        var url = $"http://127.0.0.1:{FreePorts.Take(1)[0]}";

        var result = await LoadRunnerCli.RunAsync(command, "--leader", url);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains($"Cannot reach the KvStore leader at {url}/", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task An_unknown_service_name_exits_2_and_says_where_it_was_looked_up()
    {
        var result = await LoadRunnerCli.RunAsync("check", "--leader", "no-such-service");

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("services__no-such-service__http__0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Help_lists_the_commands_and_exits_0()
    {
        var result = await LoadRunnerCli.RunAsync("--help");

        Assert.Equal(ExitCodes.Success, result.ExitCode);
        foreach (var command in new[] { "sweep", "bench", "check" })
            Assert.Contains(command, result.Output, StringComparison.Ordinal);
    }
}
