using KvStore.AppHost.Publishing;
using YamlDotNet.RepresentationModel;

namespace KvStore.Tests.Publishing;

/// <summary>The Compose file: services by name on one network, discovery by service name, secrets only in .env.</summary>
public sealed class DockerComposePublisherTests : IDisposable
{
    private readonly string _root = Path.Combine(Path.GetTempPath(), "kvstore-compose-" + Guid.NewGuid().ToString("N"));

    private static YamlMappingNode Parse(string yaml)
    {
        var stream = new YamlStream();
        stream.Load(new StringReader(yaml));
        return (YamlMappingNode)stream.Documents[0].RootNode;
    }

    private static YamlNode At(YamlNode node, params string[] path) =>
        path.Aggregate(node, (n, key) => ((YamlMappingNode)n).Children[new YamlScalarNode(key)]);

    private static string Scalar(YamlNode node, params string[] path) => ((YamlScalarNode)At(node, path)).Value!;

    [Fact]
    public void Each_published_project_is_a_service_reached_by_its_name_with_a_volume_ports_and_a_health_check()
    {
        var compose = Parse(DockerComposePublisher.WriteComposeFile(ManifestPublisherTests.Context(ManifestPublisherTests.RepositoryDirectory)));

        Assert.Equal("3.8", Scalar(compose, "version"));
        var services = (YamlMappingNode)At(compose, "services");
        Assert.Equal(["leader", "follower1", "dashboard"], services.Children.Keys.Select(k => ((YamlScalarNode)k).Value));

        var leader = At(services, "leader");
        Assert.Equal("kv/node", Scalar(leader, "image"));
        Assert.Equal("http://follower1:8080", Scalar(leader, "environment", "services__follower1__http__0"));
        Assert.Equal("http://follower1:8080", Scalar(leader, "environment", "FOLLOWER1_HTTP"));
        Assert.Equal("8080", Scalar(leader, "environment", "HTTP_PORTS"));
        Assert.Equal("/data", Scalar(leader, "environment", "DATA_DIR"));
        Assert.Equal("${WRITE_QUORUM:?set WRITE_QUORUM in .env}", Scalar(leader, "environment", "WRITE_QUORUM"));
        Assert.Equal("http://dashboard:18889", Scalar(leader, "environment", "OTEL_EXPORTER_OTLP_ENDPOINT"));
        Assert.Equal("leader", Scalar(leader, "environment", "OTEL_SERVICE_NAME"));
        var port = (YamlMappingNode)((YamlSequenceNode)At(leader, "ports")).Single();
        Assert.Equal(("8080", "8000"), (Scalar(port, "target"), Scalar(port, "published")));
        var volume = (YamlMappingNode)((YamlSequenceNode)At(leader, "volumes")).Single();
        Assert.Equal(("volume", "leader-data", "/data"), (Scalar(volume, "type"), Scalar(volume, "source"), Scalar(volume, "target")));
        Assert.Contains("http://localhost:8080/health", ((YamlSequenceNode)At(leader, "healthcheck", "test")).Select(n => ((YamlScalarNode)n).Value));
        Assert.Equal("unless-stopped", Scalar(leader, "restart"));
        Assert.Equal("aspire", ((YamlScalarNode)((YamlSequenceNode)At(leader, "networks")).Single()).Value);
        Assert.Equal("artifacts/publish/node", Scalar(leader, "build", "context"));
        Assert.Equal("../../../deploy/node.Dockerfile", Scalar(leader, "build", "dockerfile"));

        Assert.Equal("bridge", Scalar(compose, "networks", "aspire", "driver"));
        Assert.Equal(["leader-data", "follower1-data"], ((YamlMappingNode)At(compose, "volumes")).Children.Keys.Select(k => ((YamlScalarNode)k).Value));
    }

    [Fact]
    public void The_dashboard_watches_every_service_by_name_and_the_project_without_an_image_runs_from_the_host()
    {
        var text = DockerComposePublisher.WriteComposeFile(ManifestPublisherTests.Context(ManifestPublisherTests.RepositoryDirectory));
        var dashboard = At(Parse(text), "services", "dashboard");

        Assert.Equal("http://leader:8080", Scalar(dashboard, "environment", "services__leader__http__0"));
        Assert.Equal("http://follower1:8080", Scalar(dashboard, "environment", "services__follower1__http__0"));
        Assert.Equal("http://0.0.0.0:18888", Scalar(dashboard, "environment", "Dashboard__Url"));
        var port = (YamlMappingNode)((YamlSequenceNode)At(dashboard, "ports")).Single();
        Assert.Equal(("18888", "18888"), (Scalar(port, "target"), Scalar(port, "published")));
        Assert.Contains("# Not deployed here, run from the host: runner (Runner/Runner.csproj).", text, StringComparison.Ordinal);
        Assert.DoesNotContain("runner:", text, StringComparison.Ordinal);
    }

    [Fact]
    public async Task Secrets_go_to_env_only_and_publishing_again_keeps_them()
    {
        var publisher = new DockerComposePublisher();
        var context = ManifestPublisherTests.Context(_root, ("Parameters:write-quorum", "4")) with { OutputPath = _root };

        await publisher.PublishAsync(context, TestContext.Current.CancellationToken);
        var yaml = await File.ReadAllTextAsync(Path.Combine(_root, "docker-compose.yml"), TestContext.Current.CancellationToken);
        var env = ReadEnv();
        await publisher.PublishAsync(context, TestContext.Current.CancellationToken);

        Assert.Equal("4", env["WRITE_QUORUM"]);
        Assert.Equal(32, env["REPLICATION_TOKEN"].Length);
        Assert.True(env["DASHBOARD_BROWSER_TOKEN"].Length >= 16);
        Assert.DoesNotContain(env["REPLICATION_TOKEN"], yaml, StringComparison.Ordinal);
        Assert.DoesNotContain(env["DASHBOARD_BROWSER_TOKEN"], yaml, StringComparison.Ordinal);
        Assert.Equal(env, ReadEnv());
        Assert.Equal(yaml, await File.ReadAllTextAsync(Path.Combine(_root, "docker-compose.yml"), TestContext.Current.CancellationToken));

        // Every ${NAME} the file needs has a value in .env.
        var needed = System.Text.RegularExpressions.Regex.Matches(yaml, @"\$\{([A-Z_]+)[:}]").Select(m => m.Groups[1].Value).Distinct();
        Assert.All(needed, name => Assert.True(env.ContainsKey(name), $"{name} is not in .env"));
    }

    public void Dispose()
    {
        if (Directory.Exists(_root))
            Directory.Delete(_root, recursive: true);
    }

    private Dictionary<string, string> ReadEnv() =>
        File.ReadAllLines(Path.Combine(_root, ".env")).Where(l => l.Length > 0 && l[0] != '#')
            .Select(l => l.Split('=', 2)).ToDictionary(p => p[0], p => p[1]);
}
