using System.Text.Json;
using KvStore.AppHost.Hosting;
using KvStore.AppHost.Publishing;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.Publishing;

/// <summary>The manifest is Aspire's format: parameter.v0 and project.v0 resources, values as expressions.</summary>
public sealed class ManifestPublisherTests
{
    /// <summary>A repository that is never created: publishing only computes paths in it.</summary>
    public static readonly string RepositoryDirectory = Path.Combine(Path.GetTempPath(), "repo");

    private static readonly string AppHostDirectory = Path.Combine(RepositoryDirectory, "App.AppHost");

    public static DistributedApplicationModel Model()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var quorum = builder.AddParameter("write-quorum");
        var token = builder.AddParameter("replication-token", new GenerateParameterDefault { MinLength = 32 }, secret: true);
        var leader = builder.AddProject("leader", "../Node/Node.csproj")
            .PublishAsDockerFile("kv/node", "../deploy/node.Dockerfile", "../artifacts/publish/node")
            .WithHttpEndpoint(8000, targetPort: 8080).WithHttpHealthCheck("/health")
            .WithEnvironment("WRITE_QUORUM", quorum).WithEnvironment("TOKEN", token).WithStateDirectory("DATA_DIR");
        var follower = builder.AddProject("follower1", "../Node/Node.csproj")
            .PublishAsDockerFile("kv/node", "../deploy/node.Dockerfile", "../artifacts/publish/node")
            .WithHttpEndpoint(8001, targetPort: 8080).WithHttpHealthCheck("/health").WithReference(leader).WithStateDirectory("DATA_DIR");
        leader.WithReference(follower);
        var runner = builder.AddProject("runner", "../Runner/Runner.csproj").WithReference(leader).WithExplicitStart();
        runner.WithArgs("sweep", "--out", runner.StateDirectory());
        return builder.Build().Model;
    }

    public static PublishingContext Context(string pathBase, params (string Key, string Value)[] configuration) => new(
        Model(),
        new ConfigurationBuilder().AddInMemoryCollection(configuration.ToDictionary(c => c.Key, c => (string?)c.Value)).Build(),
        Path.Combine(pathBase, "out"),
        pathBase,
        AppHostDirectory);

    [Fact]
    public void Parameters_are_parameter_v0_with_a_generated_secret()
    {
        using var manifest = JsonDocument.Parse(ManifestPublisher.Write(Context(RepositoryDirectory)));
        var root = manifest.RootElement;
        Assert.Equal("https://json.schemastore.org/aspire-8.0.json", root.GetProperty("$schema").GetString());

        var quorum = root.GetProperty("resources").GetProperty("write-quorum");
        Assert.Equal("parameter.v0", quorum.GetProperty("type").GetString());
        Assert.Equal("{write-quorum.inputs.value}", quorum.GetProperty("value").GetString());
        Assert.Equal("string", quorum.GetProperty("inputs").GetProperty("value").GetProperty("type").GetString());

        var token = root.GetProperty("resources").GetProperty("replication-token").GetProperty("inputs").GetProperty("value");
        Assert.True(token.GetProperty("secret").GetBoolean());
        Assert.Equal(32, token.GetProperty("default").GetProperty("generate").GetProperty("minLength").GetInt32());
    }

    [Fact]
    public void Projects_are_project_v0_with_expressions_bindings_and_paths_relative_to_the_manifest()
    {
        using var manifest = JsonDocument.Parse(ManifestPublisher.Write(Context(RepositoryDirectory)));
        var resources = manifest.RootElement.GetProperty("resources");
        var leader = resources.GetProperty("leader");
        Assert.Equal("project.v0", leader.GetProperty("type").GetString());
        Assert.Equal("Node/Node.csproj", leader.GetProperty("path").GetString());

        var env = leader.GetProperty("env");
        Assert.Equal("{leader.bindings.http.targetPort}", env.GetProperty("HTTP_PORTS").GetString());
        Assert.Equal("{write-quorum.value}", env.GetProperty("WRITE_QUORUM").GetString());
        Assert.Equal("{replication-token.value}", env.GetProperty("TOKEN").GetString());
        Assert.Equal("{follower1.bindings.http.url}", env.GetProperty("services__follower1__http__0").GetString());
        Assert.Equal("{follower1.bindings.http.url}", env.GetProperty("FOLLOWER1_HTTP").GetString());
        Assert.Equal("/data", env.GetProperty("DATA_DIR").GetString());

        var http = leader.GetProperty("bindings").GetProperty("http");
        Assert.Equal(("http", "tcp", "http", 8000, 8080), (http.GetProperty("scheme").GetString(), http.GetProperty("protocol").GetString(),
            http.GetProperty("transport").GetString(), http.GetProperty("port").GetInt32(), http.GetProperty("targetPort").GetInt32()));

        var runner = resources.GetProperty("runner");
        Assert.Equal(["sweep", "--out", "/data"], runner.GetProperty("args").EnumerateArray().Select(a => a.GetString()));
        Assert.False(runner.TryGetProperty("bindings", out _));
    }

    [Fact]
    public void Paths_are_relative_to_the_path_base()
    {
        var elsewhere = Path.Combine(Path.GetTempPath(), "deploy-here");
        using var manifest = JsonDocument.Parse(ManifestPublisher.Write(Context(elsewhere)));
        Assert.Equal("../repo/Node/Node.csproj", manifest.RootElement.GetProperty("resources").GetProperty("leader").GetProperty("path").GetString());
    }
}
