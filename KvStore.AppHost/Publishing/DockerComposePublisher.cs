using System.Security.Cryptography;
using KvStore.AppHost.Hosting;
using KvStore.AppHost.Orchestration;
using KvStore.AppHost.Publishing.Compose;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// A Docker Compose deployment of the model (<c>--publisher docker-compose --output-path DIR</c>): DIR/docker-compose.yml
/// and DIR/.env. Each project published as a container (<see cref="ProjectResourceBuilderExtensions.PublishAsDockerFile"/>)
/// is a service on one bridge network, reached by service name (<c>services__follower1__http__0=http://follower1:8080</c>),
/// on its model port on the host, with a named volume for its state folder, a health check and a restart policy, exporting
/// telemetry to the dashboard service. Parameters and secrets are <c>${NAME}</c> references resolved from .env, so the yml
/// holds no secret and is the same on every run; projects without an image are listed in its header as run from the host.
/// </summary>
public sealed class DockerComposePublisher : IPublisher
{
    public const string ComposeFileName = "docker-compose.yml";
    public const string EnvFileName = ".env";
    public const string NetworkName = "aspire";
    public const string DefaultBaseImage = "mcr.microsoft.com/dotnet/runtime-deps:10.0";
    private const string GeneratedAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";
    private const string RestartPolicy = "unless-stopped";

    public string Name => "docker-compose";

    public string OutputDescription => "the folder to write docker-compose.yml and .env to";

    public string OutputDirectory(string outputPath) => outputPath;

    public async Task<IReadOnlyList<string>> PublishAsync(PublishingContext context, CancellationToken cancellationToken)
    {
        var parameters = ParameterValues.Resolve(context.Model, context.Configuration);
        Directory.CreateDirectory(context.OutputPath);
        var composePath = Path.Combine(context.OutputPath, ComposeFileName);
        var envPath = Path.Combine(context.OutputPath, EnvFileName);
        await File.WriteAllTextAsync(composePath, WriteComposeFile(context), cancellationToken);
        EnvFile.Write(envPath, EnvHeader, EnvEntries(context.Model, parameters));
        return [composePath, envPath];
    }

    /// <summary>The docker-compose.yml text: a function of the model alone (no secret, no random value, stable order).</summary>
    public static string WriteComposeFile(PublishingContext context)
    {
        var model = context.Model;
        if (model.Find(ComposeDashboard.ServiceName) is not null)
            throw new InvalidOperationException($"A resource is named '{ComposeDashboard.ServiceName}', the name of the dashboard's service.");

        var deployed = model.Projects.Where(p => p.Container is not null).ToList();
        var services = new OrderedDictionary<string, ComposeService>();
        var volumes = new OrderedDictionary<string, ComposeVolume>();
        foreach (var project in deployed)
        {
            var stateVolume = UsesStateDirectory(project) ? $"{project.Name}-data" : null;
            if (stateVolume is not null)
                volumes.Add(stateVolume, new ComposeVolume());
            services.Add(project.Name, Service(project, stateVolume, model, context));
        }

        services.Add(ComposeDashboard.ServiceName, DashboardService(deployed, context));
        var file = new ComposeFile("3.8", services, new() { [NetworkName] = new ComposeNetwork("bridge") }, volumes);
        return ComposeYaml.Write(file, Header(model));
    }

    private static ComposeService Service(ProjectResource project, string? stateVolume, DistributedApplicationModel model, PublishingContext context)
    {
        var environment = new OrderedDictionary<string, string>();
        foreach (var (name, value) in OtlpExporterEnvironment.For(ComposeDashboard.OtlpEndpoint, project.Name, project.Name))
            environment[name] = value;
        environment["OTEL_EXPORTER_OTLP_HEADERS"] = "x-otlp-api-key=" + EnvironmentNames.Required(ComposeDashboard.OtlpApiKeyVariable);
        foreach (var (name, value) in ContainerConventions.PortVariables(project, e => ContainerConventions.ContainerPort(e).ToString(System.Globalization.CultureInfo.InvariantCulture)))
            environment[name] = value;
        foreach (var variable in ContainerConventions.EffectiveEnvironment(project))
            environment[variable.Name] = Value(variable.Value, model);

        return new ComposeService
        {
            Image = project.Container!.Image,
            Build = Build(project.Container, context),
            Command = project.Args.IsEmpty ? null : [.. project.Args.Select(a => Value(a, model))],
            // Explicit start: not part of `up`; `docker compose --profile NAME up NAME` runs it.
            Profiles = project.ExplicitStart ? [project.Name] : null,
            Environment = environment,
            Ports = project.Endpoints.IsEmpty ? null : [.. project.Endpoints.Select(e => new ComposePort(ContainerConventions.ContainerPort(e), e.Port, "tcp"))],
            Volumes = stateVolume is null ? null : [new ComposeVolumeMount("volume", stateVolume, ContainerConventions.StateDirectory)],
            Networks = [NetworkName],
            Healthcheck = project.HealthCheck is { } check && project.FindEndpoint(check.Endpoint) is { } endpoint
                ? HttpHealthcheck($"http://localhost:{ContainerConventions.ContainerPort(endpoint)}{check.Path}")
                : null,
            Restart = RestartPolicy,
        };
    }

    private static ComposeService DashboardService(IReadOnlyList<ProjectResource> deployed, PublishingContext context)
    {
        var environment = new OrderedDictionary<string, string>
        {
            // Inside its container the dashboard listens on every interface; the host reaches it through the published port.
            ["Dashboard__Url"] = $"http://0.0.0.0:{ComposeDashboard.UiPort}",
            ["Dashboard__OtlpGrpcUrl"] = $"http://0.0.0.0:{ComposeDashboard.OtlpGrpcPort}",
            ["Dashboard__OtlpHttpUrl"] = $"http://0.0.0.0:{ComposeDashboard.OtlpHttpPort}",
            ["Dashboard__BrowserToken"] = EnvironmentNames.Required(ComposeDashboard.BrowserTokenVariable),
            // Off the host's loopback, telemetry is accepted only with the key the services are given.
            ["Dashboard__OtlpApiKey"] = EnvironmentNames.Required(ComposeDashboard.OtlpApiKeyVariable),
        };
        // The resources it watches, where the deployment's network has them.
        foreach (var project in deployed)
        {
            foreach (var endpoint in project.Endpoints)
                environment[$"services__{project.Name}__{endpoint.Name}__0"] = ContainerConventions.ServiceUrl(project, endpoint);
        }

        return new ComposeService
        {
            Image = ComposeDashboard.Image.Image,
            Build = Build(ComposeDashboard.Image, context),
            Environment = environment,
            Ports = [new ComposePort(ComposeDashboard.UiPort, ComposeDashboard.UiPort, "tcp")],
            Networks = [NetworkName],
            Healthcheck = HttpHealthcheck($"http://localhost:{ComposeDashboard.UiPort}/login"),
            Restart = RestartPolicy,
        };
    }

    // Compose builds an image only when it is missing; deploy/build-images.sh builds them all first (see the header).
    private static ComposeBuild Build(ContainerImage image, PublishingContext context)
    {
        var buildContext = Path.GetFullPath(Path.Combine(context.AppHostDirectory, image.BuildContext));
        var dockerfile = Path.GetFullPath(Path.Combine(context.AppHostDirectory, image.Dockerfile));
        return new ComposeBuild(
            context.RelativePath(image.BuildContext),
            Path.GetRelativePath(buildContext, dockerfile).Replace(Path.DirectorySeparatorChar, '/'),
            new() { ["BASE_IMAGE"] = $"${{BASE_IMAGE:-{DefaultBaseImage}}}" });
    }

    private static ComposeHealthcheck HttpHealthcheck(string url) => new(["CMD", "curl", "-fsS", "-o", "/dev/null", url], "5s", "3s", 10, "10s");

    private static string Value(ValueExpression value, DistributedApplicationModel model) => value switch
    {
        LiteralValue literal => literal.Value,
        ParameterValue parameter => EnvironmentNames.Required(EnvironmentNames.ForParameter(parameter.Parameter)),
        EndpointUrlValue url when model.Find(url.Resource) is ProjectResource target && target.FindEndpoint(url.Endpoint) is { } endpoint =>
            ContainerConventions.ServiceUrl(target, endpoint),
        StateDirectoryValue => ContainerConventions.StateDirectory,
        _ => throw new NotSupportedException($"The Compose publisher cannot write {value}."),
    };

    private static bool UsesStateDirectory(ProjectResource project) =>
        project.Environment.Select(e => e.Value).Concat(project.Args).Any(v => v is StateDirectoryValue s && s.Resource == project.Name);

    private static IEnumerable<string> Header(DistributedApplicationModel model)
    {
        yield return "Generated from the app model (KvStore.AppHost/Program.cs); do not edit. Publish it again with";
        yield return "  dotnet run --project KvStore.AppHost -- --publisher docker-compose --output-path DIR";
        yield return "which also writes DIR/.env, where the ${...} values below (parameters, secrets) come from.";
        yield return "Build the images first: deploy/build-images.sh. Then: docker compose up -d (or docker-compose up -d).";
        foreach (var project in model.Projects.Where(p => p.Container is null))
            yield return $"Not deployed here, run from the host: {project.Name} ({project.ProjectPath.TrimStart('.', '/')}).";
        yield return "";
    }

    private static readonly string[] EnvHeader =
    [
        "Values for docker-compose.yml's ${...}, written by the AppHost's docker-compose publisher. It holds secrets: do not commit it.",
        "Publishing again keeps the values here and adds missing ones.",
    ];

    private static IEnumerable<EnvEntry> EnvEntries(DistributedApplicationModel model, IReadOnlyDictionary<string, string> parameters)
    {
        foreach (var parameter in model.Parameters)
        {
            var comment = parameter.Secret ? $"Parameter {parameter.Name} (secret)" : $"Parameter {parameter.Name}";
            yield return new EnvEntry(EnvironmentNames.ForParameter(parameter.Name), parameters[parameter.Name], comment);
        }

        yield return new EnvEntry(ComposeDashboard.BrowserTokenVariable, RandomNumberGenerator.GetString(GeneratedAlphabet, 32),
            $"The dashboard's browser token (secret): log in at http://localhost:{ComposeDashboard.UiPort}/login?t=THIS_VALUE");
        yield return new EnvEntry(ComposeDashboard.OtlpApiKeyVariable, RandomNumberGenerator.GetString(GeneratedAlphabet, 32),
            "The key the services' OTLP exports carry to the dashboard (secret)");
        yield return new EnvEntry("BASE_IMAGE", DefaultBaseImage,
            "The base image when Compose builds the images; kvstore/runtime-deps:10.0 where no registry is reachable (deploy/build-base-image.sh)");
    }
}
