using KvStore.AppHost.Hosting;
using KvStore.AppHost.Orchestration;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.AppHost;

/// <summary>What one run decides from the model and configuration: parameter values, ports, and each process's environment.</summary>
public sealed class RunContextTests
{
    private static DistributedApplicationModel Model()
    {
        var builder = DistributedApplication.CreateBuilder([]);
        var quorum = builder.AddParameter("write-quorum");
        var token = builder.AddParameter("token", new GenerateParameterDefault { MinLength = 32 }, secret: true);
        var leader = builder.AddProject("leader", "n.csproj").WithHttpEndpoint(8000)
            .WithEnvironment("WRITE_QUORUM", quorum).WithEnvironment("TOKEN", token).WithStateDirectory("DATA_DIR");
        builder.AddProject("follower2", "n.csproj").WithHttpEndpoint(8002).WithReference(leader);
        return builder.Build().Model;
    }

    private static IConfiguration Configuration(params (string Key, string Value)[] values) =>
        new ConfigurationBuilder().AddInMemoryCollection(values.ToDictionary(v => v.Key, v => (string?)v.Value)).Build();

    [Fact]
    public void Parameters_come_from_configuration_and_a_generated_secret_is_fresh_each_run()
    {
        var configuration = Configuration(("Parameters:write-quorum", "4"));

        var first = ParameterValues.Resolve(Model(), configuration);
        var second = ParameterValues.Resolve(Model(), configuration);

        Assert.Equal("4", first["write-quorum"]);
        Assert.Equal(32, first["token"].Length);
        Assert.True(first["token"].All(char.IsAsciiLetterOrDigit));
        Assert.NotEqual(first["token"], second["token"]);
    }

    [Fact]
    public void A_parameter_without_a_value_names_where_to_set_it()
    {
        var error = Assert.Throws<AppHostStartupException>(() => ParameterValues.Resolve(Model(), Configuration()));
        Assert.Contains("Parameters:write-quorum", error.Message, StringComparison.Ordinal);
        Assert.Contains("Parameters__write-quorum", error.Message, StringComparison.Ordinal);
    }

    [Fact]
    public void Ports_default_to_the_model_and_move_with_a_base_or_one_by_one()
    {
        Assert.Equal([8000, 8002], PortAssignments.Resolve(Model(), Configuration()).Values.Order());
        var moved = PortAssignments.Resolve(Model(), Configuration(("Ports:Base", "9100"), ("Ports:follower2", "9500")));
        Assert.Equal(9100, moved[new EndpointKey("leader", "http")]);
        Assert.Equal(9500, moved[new EndpointKey("follower2", "http")]);
        Assert.Throws<AppHostStartupException>(() => PortAssignments.Resolve(Model(), Configuration(("Ports:leader", "8002"))));
        Assert.Throws<AppHostStartupException>(() => PortAssignments.Resolve(Model(), Configuration(("Ports:Base", "http"))));
    }

    [Fact]
    public void A_process_gets_its_url_telemetry_settings_and_resolved_model_variables()
    {
        var model = Model();
        var configuration = Configuration(("Parameters:write-quorum", "2"), ("Ports:Base", "9100"));
        var run = new RunContext("run-1", "/tmp/state/run-1", "localhost", ParameterValues.Resolve(model, configuration), PortAssignments.Resolve(model, configuration));
        var leader = model.Projects.Single(p => p.Name == "leader");

        var environment = ProcessEnvironment.For(leader, run, new TelemetrySettings("http://localhost:4317"), "Development");

        Assert.Equal("http://localhost:9100", environment["ASPNETCORE_URLS"]);
        Assert.Equal("2", environment["WRITE_QUORUM"]);
        Assert.Equal("/tmp/state/run-1/leader", environment["DATA_DIR"]);
        Assert.Equal("http://localhost:4317", environment["OTEL_EXPORTER_OTLP_ENDPOINT"]);
        Assert.Equal("leader", environment["OTEL_SERVICE_NAME"]);
        Assert.Equal("service.instance.id=leader-run-1", environment["OTEL_RESOURCE_ATTRIBUTES"]);
        Assert.Equal("Development", environment["DOTNET_ENVIRONMENT"]);
    }
}
