using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.Publishing;

/// <summary>Aspire's publishing switches and the dashboard-only flag become configuration, which decides the mode.</summary>
public sealed class AppHostArgumentsTests
{
    [Theory]
    [InlineData(new[] { "--publisher", "manifest", "--output-path", "m.json" }, new[] { "--Publishing:Publisher=manifest", "--Publishing:OutputPath=m.json" })]
    [InlineData(new[] { "--publisher=docker-compose", "--output-path=." }, new[] { "--Publishing:Publisher=docker-compose", "--Publishing:OutputPath=." })]
    [InlineData(new[] { "--dashboard-only" }, new[] { "--AppHost:Mode=Dashboard" })]
    public void Switches_become_configuration(string[] args, string[] expected) =>
        Assert.Equal(expected, AppHostArguments.ToConfigurationArgs(args));

    [Theory]
    [InlineData(new string[0], AppHostMode.Run)]
    [InlineData(new[] { "--dashboard-only" }, AppHostMode.Dashboard)]
    [InlineData(new[] { "--AppHost:Mode=dashboard" }, AppHostMode.Dashboard)]
    [InlineData(new[] { "--publisher", "manifest" }, AppHostMode.Publish)]
    public void The_mode_comes_from_configuration(string[] args, AppHostMode expected)
    {
        var configuration = new ConfigurationBuilder().AddCommandLine(AppHostArguments.ToConfigurationArgs(args)).Build();
        Assert.Equal(expected, AppHostModes.From(configuration));
    }

    [Fact]
    public async Task An_unknown_publisher_or_a_missing_output_path_is_one_line_and_exit_code_1()
    {
        var unknown = await AppHostCli.RunAsync("--publisher", "helm", "--output-path", Path.GetTempPath());
        Assert.Equal(1, unknown.ExitCode);
        Assert.Contains("unknown publisher 'helm': use manifest or docker-compose", unknown.Output, StringComparison.Ordinal);

        var noOutput = await AppHostCli.RunAsync("--publisher", "manifest");
        Assert.Equal(1, noOutput.ExitCode);
        Assert.Contains("needs --output-path", noOutput.Output, StringComparison.Ordinal);
    }
}
