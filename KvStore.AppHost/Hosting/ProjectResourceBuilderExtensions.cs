namespace KvStore.AppHost.Hosting;

/// <summary>Declaring project resources, with Aspire's method names and meanings.</summary>
public static class ProjectResourceBuilderExtensions
{
    /// <summary>A project to build and run; <paramref name="projectPath"/> is relative to the AppHost project's folder.</summary>
    public static IResourceBuilder<ProjectResource> AddProject(this IDistributedApplicationBuilder builder, string name, string projectPath) =>
        builder.AddResource(new ProjectResource(name, projectPath));

    /// <summary>An HTTP endpoint on host port <paramref name="port"/>; the process is told to listen there (ASPNETCORE_URLS).</summary>
    public static IResourceBuilder<ProjectResource> WithHttpEndpoint(
        this IResourceBuilder<ProjectResource> builder, int port, string name = "http", int? targetPort = null) =>
        builder.Update(r => r.FindEndpoint(name) is null
            ? r with { Endpoints = r.Endpoints.Add(new EndpointDefinition(name, "http", port, targetPort)) }
            : throw new InvalidOperationException($"{r.Name} already has an endpoint named '{name}'."));

    public static IResourceBuilder<ProjectResource> WithEnvironment(this IResourceBuilder<ProjectResource> builder, string name, ValueExpression value) =>
        builder.Update(r => r with { Environment = r.Environment.Add(new EnvironmentVariable(name, value)) });

    public static IResourceBuilder<ProjectResource> WithEnvironment(
        this IResourceBuilder<ProjectResource> builder, string name, IResourceBuilder<ParameterResource> parameter) =>
        builder.WithEnvironment(name, new ParameterValue(parameter.Resource.Name));

    /// <summary>
    /// Lets this resource call <paramref name="target"/> by name: for each of the target's endpoints, injects Aspire's
    /// service-discovery variables <c>services__{name}__{endpoint}__0</c> and Aspire 13's <c>{NAME}_{ENDPOINT}</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> WithReference(this IResourceBuilder<ProjectResource> builder, IResourceBuilder<ProjectResource> target)
    {
        var targetResource = target.Resource;
        if (targetResource.Endpoints.IsEmpty)
            throw new InvalidOperationException($"{targetResource.Name} has no endpoint to reference; declare it with WithHttpEndpoint first.");

        return builder.Update(r =>
        {
            var environment = r.Environment;
            foreach (var endpoint in targetResource.Endpoints)
            {
                var url = new EndpointUrlValue(targetResource.Name, endpoint.Name);
                environment = environment
                    .Add(new EnvironmentVariable($"services__{targetResource.Name}__{endpoint.Name}__0", url))
                    .Add(new EnvironmentVariable(ServiceVariableName(targetResource.Name, endpoint.Name), url));
            }

            return r with { Environment = environment, References = r.References.Add(targetResource.Name) };
        });
    }

    public static IResourceBuilder<ProjectResource> WithArgs(this IResourceBuilder<ProjectResource> builder, params ValueExpression[] args) =>
        builder.Update(r => r with { Args = r.Args.AddRange(args) });

    /// <summary>Puts the path of this resource's per-run folder in environment variable <paramref name="name"/> (a node's DATA_DIR).</summary>
    public static IResourceBuilder<ProjectResource> WithStateDirectory(this IResourceBuilder<ProjectResource> builder, string name) =>
        builder.WithEnvironment(name, builder.StateDirectory());

    /// <summary>This resource's per-run folder, for use in arguments.</summary>
    public static StateDirectoryValue StateDirectory(this IResourceBuilder<ProjectResource> builder) => new(builder.Resource.Name);

    public static EndpointUrlValue GetEndpoint(this IResourceBuilder<ProjectResource> builder, string name = "http") =>
        builder.Resource.FindEndpoint(name) is not null
            ? new EndpointUrlValue(builder.Resource.Name, name)
            : throw new InvalidOperationException($"{builder.Resource.Name} has no endpoint named '{name}'.");

    public static IResourceBuilder<ProjectResource> WithHttpHealthCheck(this IResourceBuilder<ProjectResource> builder, string path = "/health", string endpoint = "http") =>
        builder.Update(r => r with { HealthCheck = new HttpHealthCheck(endpoint, path) });

    /// <summary>The resource is not started with the application, only when a user starts it (dashboard, API).</summary>
    public static IResourceBuilder<ProjectResource> WithExplicitStart(this IResourceBuilder<ProjectResource> builder) =>
        builder.Update(r => r with { ExplicitStart = true });

    /// <summary>
    /// Deploys the resource as image <paramref name="image"/>, built from <paramref name="dockerfile"/> over
    /// <paramref name="buildContext"/> (both relative to the AppHost project's folder), as Aspire's <c>PublishAsDockerFile</c>.
    /// </summary>
    public static IResourceBuilder<ProjectResource> PublishAsDockerFile(
        this IResourceBuilder<ProjectResource> builder, string image, string dockerfile, string buildContext) =>
        builder.Update(r => r with { Container = new ContainerImage(image, dockerfile, buildContext) });

    // Aspire 13's form, FOLLOWER1_HTTP, for consumers that read it; KvStore's own processes resolve services__NAME__http__0.
    private static string ServiceVariableName(string resource, string endpoint) =>
        $"{resource.ToUpperInvariant().Replace('-', '_')}_{endpoint.ToUpperInvariant()}";
}
