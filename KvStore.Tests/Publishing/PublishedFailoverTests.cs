using YamlDotNet.RepresentationModel;

namespace KvStore.Tests.Publishing;

/// <summary>
/// Which failover the published Compose file runs: by default FAILOVER=etcd with an etcd service of the deployment's own
/// (whatever the publishing machine has installed); <c>--KvStore:Failover=off</c> and <c>manual</c> publish no etcd.
/// </summary>
public sealed class PublishedFailoverTests : IDisposable
{
    private static readonly string[] Nodes = ["leader", "follower1", "follower2", "follower3", "follower4", "follower5"];
    private readonly string _output = Path.Combine(Path.GetTempPath(), "kvstore-publish-failover-" + Guid.NewGuid().ToString("N"));

    [Fact]
    public async Task By_default_every_node_fails_over_through_the_deployments_own_etcd()
    {
        var (services, volumes) = await PublishAsync();

        var etcd = Map(services, "etcd");
        Assert.Equal("kvstore/etcd", Scalar(etcd, "image"));
        Assert.False(etcd.Children.ContainsKey("ports"), "etcd must not be published on a host port");
        var command = Strings(Child(etcd, "command"));
        Assert.Equal("http://0.0.0.0:2379", command[command.IndexOf("--listen-client-urls") + 1]);
        Assert.Equal("http://etcd:2379", command[command.IndexOf("--advertise-client-urls") + 1]);
        Assert.Equal("etcd-data", Scalar(Assert.IsType<YamlMappingNode>(Sequence(etcd, "volumes")[0]), "source"));
        Assert.True(volumes.Children.ContainsKey("etcd-data"), "the etcd-data volume is not declared");
        Assert.Contains("http://localhost:2379/health", Strings(Child(Map(etcd, "healthcheck"), "test")));
        Assert.Equal("unless-stopped", Scalar(etcd, "restart"));

        foreach (var node in Nodes)
        {
            var service = Map(services, node);
            var environment = Map(service, "environment");
            Assert.Equal("etcd", Scalar(environment, "FAILOVER"));
            Assert.Equal("http://etcd:2379", Scalar(environment, "ETCD_ENDPOINTS"));
            Assert.False(string.IsNullOrEmpty(Scalar(environment, "ETCD_CLUSTER")));
            var peers = Nodes.Where(n => n != node).ToList();
            Assert.Equal(string.Join(',', peers), Scalar(environment, "PEERS"));
            foreach (var peer in peers)
                Assert.Equal($"http://{peer}:8080", Scalar(environment, $"services__{peer}__http__0"));
            // Any node may lead, so every node has what the leader needs.
            foreach (var setting in (string[])["WRITE_QUORUM", "MIN_DELAY", "MAX_DELAY", "REPLICATION_TIMEOUT"])
                Assert.True(environment.Children.ContainsKey(setting), $"{node} has no {setting}");
            Assert.False(environment.Children.ContainsKey("FOLLOWERS") || environment.Children.ContainsKey("LEADER"), $"{node} has a fixed role");
            Assert.Equal("service_healthy", Scalar(Map(Map(service, "depends_on"), "etcd"), "condition"));
        }

        Assert.True(services.Children.ContainsKey("dashboard"), "the dashboard service is missing");
    }

    [Theory]
    [InlineData("off")]
    [InlineData("manual")]
    public async Task Off_and_manual_publish_no_etcd(string mode)
    {
        var (services, volumes) = await PublishAsync("--KvStore:Failover=" + mode);

        Assert.False(services.Children.ContainsKey("etcd"), "an etcd service was published");
        Assert.False(volumes.Children.ContainsKey("etcd-data"), "an etcd volume was published");
        foreach (var node in Nodes)
        {
            var service = Map(services, node);
            var environment = Map(service, "environment");
            Assert.False(environment.Children.ContainsKey("ETCD_ENDPOINTS"), $"{node} has ETCD_ENDPOINTS");
            Assert.False(service.Children.ContainsKey("depends_on"), $"{node} waits for another service");
            if (mode == "manual")
            {
                Assert.Equal("manual", Scalar(environment, "FAILOVER"));
            }
            else
            {
                // The fixed roles of the file published before etcd: the leader lists its followers, they name it.
                Assert.False(environment.Children.ContainsKey("FAILOVER"), $"{node} has FAILOVER under off");
                Assert.True(environment.Children.ContainsKey(node == "leader" ? "FOLLOWERS" : "LEADER"), $"{node} has no fixed role");
            }
        }
    }

    public void Dispose()
    {
        if (Directory.Exists(_output))
            Directory.Delete(_output, recursive: true);
    }

    private async Task<(YamlMappingNode Services, YamlMappingNode Volumes)> PublishAsync(params string[] args)
    {
        var (exitCode, output) = await AppHostCli.RunAsync(["--publisher", "docker-compose", "--output-path", _output, .. args]);
        Assert.True(exitCode == 0, output);
        var yaml = new YamlStream();
        using (var reader = new StreamReader(Path.Combine(_output, "docker-compose.yml")))
            yaml.Load(reader);
        var root = Assert.IsType<YamlMappingNode>(yaml.Documents[0].RootNode);
        return (Map(root, "services"), Map(root, "volumes"));
    }

    private static YamlMappingNode Map(YamlMappingNode parent, string key) => Assert.IsType<YamlMappingNode>(Child(parent, key));

    private static YamlSequenceNode Sequence(YamlMappingNode parent, string key) => Assert.IsType<YamlSequenceNode>(Child(parent, key));

    private static string? Scalar(YamlMappingNode parent, string key) => Assert.IsType<YamlScalarNode>(Child(parent, key)).Value;

    private static List<string?> Strings(YamlNode sequence) =>
        [.. Assert.IsType<YamlSequenceNode>(sequence).Children.Select(c => Assert.IsType<YamlScalarNode>(c).Value)];

    private static YamlNode Child(YamlMappingNode parent, string key) =>
        parent.Children.TryGetValue(new YamlScalarNode(key), out var child) ? child : throw new Xunit.Sdk.XunitException($"no '{key}' in {parent}");
}
