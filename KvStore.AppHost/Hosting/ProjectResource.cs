using System.Collections.Immutable;

namespace KvStore.AppHost.Hosting;

/// <summary>
/// A .NET project the AppHost builds and runs as a process. Plain data: what it is, what it is started with, what it
/// references. <see cref="ProjectPath"/> is as declared (relative to the AppHost project's folder).
/// </summary>
public sealed record ProjectResource(string Name, string ProjectPath) : IResource
{
    public ImmutableArray<EndpointDefinition> Endpoints { get; init; } = [];

    /// <summary>In declaration order; a later variable with the same name replaces an earlier one.</summary>
    public ImmutableArray<EnvironmentVariable> Environment { get; init; } = [];

    public ImmutableArray<ValueExpression> Args { get; init; } = [];

    /// <summary>Names of the resources this one calls (each injected as Aspire service-discovery variables).</summary>
    public ImmutableArray<string> References { get; init; } = [];

    public HttpHealthCheck? HealthCheck { get; init; }

    /// <summary>Not started with the application; only when a user starts it (dashboard, API).</summary>
    public bool ExplicitStart { get; init; }

    /// <summary>How the Compose publisher deploys it; null: it is not deployed, it runs from the host.</summary>
    public ContainerImage? Container { get; init; }

    public EndpointDefinition? FindEndpoint(string name) => Endpoints.FirstOrDefault(e => e.Name == name);
}
