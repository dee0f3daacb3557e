using KvStore.LoadRunner;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.LoadRunner;

[Collection(LoadClusterGroup.Name)]
public sealed class ServiceDiscoveryTests(LoadCluster fixture)
{
    [Fact]
    public async Task The_leader_service_reference_resolves_through_configuration_as_under_the_AppHost()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("services:leader:http:0", (string?)fixture.Cluster.LeaderUrl)])
            .Build();

        var named = await LoadRunnerCli.RunAsync(["check", "--leader", "leader", "--settle", "10s"], configuration, CancellationToken.None);
        var implicitly = await LoadRunnerCli.RunAsync(["check", "--settle", "10s"], configuration, CancellationToken.None);

        Assert.True(named.ExitCode == ExitCodes.Success, named.ToString());
        Assert.True(implicitly.ExitCode == ExitCodes.Success, implicitly.ToString());
        Assert.Contains("consistent: all 6 nodes", named.Output, StringComparison.Ordinal);
    }

    [Fact]
    public async Task A_service_name_configuration_does_not_know_is_refused_naming_the_variable_to_set()
    {
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([KeyValuePair.Create("services:leader:http:0", (string?)fixture.Cluster.LeaderUrl)])
            .Build();

        var result = await LoadRunnerCli.RunAsync(["check", "--leader", "leader2"], configuration, CancellationToken.None);

        Assert.True(result.ExitCode == ExitCodes.Usage, result.ToString());
        Assert.Contains("--leader 'leader2' is neither an http(s) URL, nor host:port, nor a service", result.Error, StringComparison.Ordinal);
        Assert.Contains("services__leader2__http__0", result.Error, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Under_an_orchestrator_the_lag_for_the_floor_comes_from_the_nodes_variables()
    {
        using var dir = new TempDirectory();
        var configuration = new ConfigurationBuilder()
            .AddInMemoryCollection([
                KeyValuePair.Create("services:leader:http:0", (string?)fixture.Cluster.LeaderUrl),
                KeyValuePair.Create("MIN_DELAY", (string?)"0.003"),
                KeyValuePair.Create("MAX_DELAY", (string?)"0.005"),
            ])
            .Build();

        var result = await LoadRunnerCli.RunAsync(
            ["sweep", "--quorums", "3", "--clients", "2", "--writes", "3", "--warmup", "0", "--out", dir.Path], configuration, CancellationToken.None);

        Assert.True(result.ExitCode == ExitCodes.Success, result.ToString());
        using var json = System.Text.Json.JsonDocument.Parse(await File.ReadAllTextAsync(dir.File("sweep.json")));
        var settings = json.RootElement.GetProperty("settings");
        Assert.Equal((0.003, 0.005), (settings.GetProperty("minDelaySeconds").GetDouble(), settings.GetProperty("maxDelaySeconds").GetDouble()));
        Assert.Equal(4.0, json.RootElement.GetProperty("rows")[0].GetProperty("floorMs").GetDouble());
    }
}
