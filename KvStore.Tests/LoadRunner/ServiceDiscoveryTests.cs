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
}
