using KvStore.AppHost.Hosting;

namespace KvStore.Tests.AppHost;

/// <summary>The app model is plain data: what Program.cs-style declarations produce, as the orchestrator and publishers read it.</summary>
public sealed class AppModelTests
{
    [Fact]
    public void A_reference_injects_aspire_service_discovery_variables_as_endpoint_expressions()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var leader = builder.AddProject("leader", "../KvStore.Node/KvStore.Node.csproj").WithHttpEndpoint(8000);
        var follower = builder.AddProject("follower-a", "../KvStore.Node/KvStore.Node.csproj").WithHttpEndpoint(8001).WithReference(leader);
        leader.WithReference(follower);

        var variables = follower.Resource.Environment.ToDictionary(e => e.Name, e => e.Value);
        Assert.Equal(new EndpointUrlValue("leader", "http"), variables["services__leader__http__0"]);
        Assert.Equal(new EndpointUrlValue("leader", "http"), variables["LEADER_HTTP"]);
        Assert.Equal("{leader.bindings.http.url}", variables["LEADER_HTTP"].ManifestExpression);
        Assert.Equal(["leader"], follower.Resource.References);
        Assert.Contains(leader.Resource.Environment, e => e.Name == "FOLLOWER_A_HTTP");
    }

    [Fact]
    public void Parameters_endpoints_and_state_folders_are_expressions_resolved_per_run()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var quorum = builder.AddParameter("write-quorum");
        var token = builder.AddParameter("token", new GenerateParameterDefault { MinLength = 40 }, secret: true);
        var node = builder.AddProject("node", "../x/x.csproj")
            .WithHttpEndpoint(8000, targetPort: 8080)
            .WithEnvironment("WRITE_QUORUM", quorum)
            .WithEnvironment("TOKEN", token)
            .WithStateDirectory("DATA_DIR")
            .WithHttpHealthCheck()
            .WithExplicitStart();

        var resource = node.Resource;
        Assert.Equal("{write-quorum.value}", resource.Environment.Single(e => e.Name == "WRITE_QUORUM").Value.ManifestExpression);
        Assert.Equal(new StateDirectoryValue("node"), resource.Environment.Single(e => e.Name == "DATA_DIR").Value);
        Assert.Equal(new EndpointDefinition("http", "http", 8000, 8080), Assert.Single(resource.Endpoints));
        Assert.Equal(new HttpHealthCheck("http", "/health"), resource.HealthCheck);
        Assert.True(resource.ExplicitStart);
        Assert.True(token.Resource.Secret);
        Assert.Equal(40, Assert.IsType<GenerateParameterDefault>(token.Resource.Default).MinLength);
    }

    [Theory]
    [InlineData("Leader")]
    [InlineData("1st")]
    [InlineData("has space")]
    public void Resource_names_follow_aspire_rules(string name)
    {
        var builder = DistributedApplication.CreateBuilder([]);
        Assert.Throws<ArgumentException>(() => builder.AddProject(name, "x.csproj"));
    }

    [Fact]
    public void Mistakes_in_the_model_stop_its_build()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        Assert.Throws<InvalidOperationException>(() => builder.AddParameter("twice").ApplicationBuilder.AddParameter("twice"));
        var a = builder.AddProject("a", "a.csproj").WithHttpEndpoint(9000);
        builder.AddProject("b", "b.csproj").WithHttpEndpoint(9000).WithEnvironment("Q", new ParameterValue("undeclared"));
        Assert.Throws<InvalidOperationException>(() => a.WithHttpEndpoint(9001));

        var error = Assert.Throws<InvalidOperationException>(builder.Build);
        Assert.Contains("port 9000 is declared by a and b", error.Message, StringComparison.Ordinal);
        Assert.Contains("b uses parameter 'undeclared'", error.Message, StringComparison.Ordinal);
    }

    [Theory]
    [InlineData(new[] { "--no-build" }, new[] { "--Orchestrator:NoBuild=true" })]
    [InlineData(new[] { "--port-base", "9000", "--x=y" }, new[] { "--Ports:Base=9000", "--x=y" })]
    [InlineData(new[] { "--port-base=9000" }, new[] { "--Ports:Base=9000" })]
    public void The_apphost_switches_become_configuration(string[] args, string[] expected) =>
        Assert.Equal(expected, AppHostArguments.ToConfigurationArgs(args));
}
