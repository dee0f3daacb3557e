using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// Writes the model as docker-compose.yml and .env. Each project marked <see cref="ComposeImage"/> is a service on one
/// bridge network, reached by service name (<c>services__follower1__http__0=http://follower1:8080</c>), on its model
/// port on the host, with a named volume for its data, a health check and a restart policy, exporting telemetry to the
/// dashboard service. Parameters and secrets are <c>${NAME}</c> references resolved from .env, so the yml holds no
/// secret and is the same on every run.
/// </summary>
internal static class ComposeWriter
{
    public const string ComposeFileName = "docker-compose.yml";
    public const string EnvFileName = ".env";
    public const string DefaultBaseImage = "mcr.microsoft.com/dotnet/runtime-deps:10.0";
    private const string GeneratedAlphabet = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789";

    public static async Task<IReadOnlyList<string>> WriteAsync(DistributedApplicationModel model, DistributedApplicationExecutionContext executionContext,
        IServiceProvider services, string outputDirectory, CancellationToken cancellationToken)
    {
        if (model.Resources.Any(r => r.Name == ComposeDashboard.ServiceName))
            throw new InvalidOperationException($"A resource is named '{ComposeDashboard.ServiceName}', the name of the dashboard's service.");

        var appHostDirectory = services.GetRequiredService<IHostEnvironment>().ContentRootPath;
        // Build contexts are written relative to the repository's root, where docker-compose.yml is checked in, wherever
        // this copy goes: so the file is the same wherever it is published (images are built by deploy/build-images.sh).
        var relative = new RelativePaths(appHostDirectory, Path.GetFullPath(Path.Combine(appHostDirectory, "..")));
        var projects = model.Resources.OfType<ProjectResource>().ToList();
        var deployed = projects.Where(p => p.HasAnnotationOfType<ComposeImage>()).ToList();

        var servicesYaml = new OrderedDictionary<string, ComposeService>();
        var volumes = new OrderedDictionary<string, ComposeVolume>();
        foreach (var project in deployed)
        {
            var volume = project.Annotations.OfType<NodeDataVolume>().SingleOrDefault();
            if (volume is not null)
                volumes.Add(volume.Name, new ComposeVolume());
            servicesYaml.Add(project.Name, await ServiceAsync(project, volume, executionContext, relative, cancellationToken));
        }

        servicesYaml.Add(ComposeDashboard.ServiceName, ComposeDashboard.Service(Build(ComposeImage.Dashboard, relative)));
        var file = new ComposeFile("3.8", servicesYaml, new() { [DockerComposePublishing.NetworkName] = new ComposeNetwork("bridge") }, volumes);

        Directory.CreateDirectory(outputDirectory);
        var composePath = Path.Combine(outputDirectory, ComposeFileName);
        var envPath = Path.Combine(outputDirectory, EnvFileName);
        await File.WriteAllTextAsync(composePath, ComposeYaml.Write(file, Header(projects.Except(deployed))), cancellationToken);
        EnvFile.Write(envPath, EnvHeader, await EnvEntriesAsync(model, cancellationToken));
        return [composePath, envPath];
    }

    private static async Task<ComposeService> ServiceAsync(ProjectResource project, NodeDataVolume? volume,
        DistributedApplicationExecutionContext executionContext, RelativePaths relative, CancellationToken cancellationToken)
    {
        var image = project.Annotations.OfType<ComposeImage>().Single();
        var endpoints = project.Annotations.OfType<EndpointAnnotation>().ToList();
        var environment = new OrderedDictionary<string, string>();
        foreach (var (name, value) in ComposeDashboard.OtlpEnvironment(project.Name))
            environment[name] = value;

        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(executionContext, project, values, cancellationToken);
        foreach (var callback in project.Annotations.OfType<EnvironmentCallbackAnnotation>())
            await callback.Callback(context);
        foreach (var (name, value) in values)
            environment[name] = Render(value);

        return new ComposeService
        {
            Image = image.Image,
            Build = Build(image, relative),
            Environment = environment,
            Ports = endpoints.Count == 0 ? null : [.. endpoints.Select(e => new ComposePort(TargetPort(e), e.Port ?? TargetPort(e), "tcp"))],
            Volumes = volume is null ? null : [new ComposeVolumeMount("volume", volume.Name, NodeDataVolume.MountPath)],
            Networks = [DockerComposePublishing.NetworkName],
            Healthcheck = endpoints.FirstOrDefault(e => e.Name == "http") is { } http
                ? DockerComposePublishing.HttpHealthcheck($"http://localhost:{TargetPort(http)}{image.HealthPath}")
                : null,
            Restart = DockerComposePublishing.RestartPolicy,
        };
    }

    /// <summary>A value of the model as Compose sees it: references to other services by name, parameters from .env.</summary>
    private static string Render(object value) => value switch
    {
        string text => text,
        ParameterResource parameter => EnvironmentNames.Required(EnvironmentNames.ForParameter(parameter.Name)),
        EndpointReference endpoint => ServiceUrl(endpoint),
        EndpointReferenceExpression { Property: EndpointProperty.TargetPort or EndpointProperty.Port } port =>
            TargetPort(port.Endpoint.EndpointAnnotation).ToString(CultureInfo.InvariantCulture),
        EndpointReferenceExpression { Property: EndpointProperty.Url } url => ServiceUrl(url.Endpoint),
        EndpointReferenceExpression { Property: EndpointProperty.Host } host => host.Endpoint.Resource.Name,
        ReferenceExpression expression => string.Format(CultureInfo.InvariantCulture, expression.Format,
            [.. expression.ValueProviders.Select(v => (object)Render(v))]),
        IResourceBuilder<ParameterResource> parameter => Render(parameter.Resource),
        _ => throw new NotSupportedException($"The Compose publisher cannot write a {value.GetType().Name} ({value})."),
    };

    private static string ServiceUrl(EndpointReference endpoint) =>
        $"{endpoint.EndpointAnnotation.UriScheme}://{endpoint.Resource.Name}:{TargetPort(endpoint.EndpointAnnotation)}";

    private static int TargetPort(EndpointAnnotation endpoint) =>
        endpoint.TargetPort ?? throw new InvalidOperationException($"Endpoint '{endpoint.Name}' has no target port for its container.");

    // Compose builds an image only when it is missing; deploy/build-images.sh builds them all first (see the header).
    private static ComposeBuild Build(ComposeImage image, RelativePaths relative) => new(
        relative.FromOutput(image.BuildContext),
        relative.Between(image.BuildContext, image.Dockerfile),
        new() { ["BASE_IMAGE"] = $"${{BASE_IMAGE:-{DefaultBaseImage}}}" });

    private static IEnumerable<string> Header(IEnumerable<ProjectResource> hostOnly)
    {
        yield return "Generated from the app model (KvStore.AppHost/Program.cs); do not edit. Publish it again with";
        yield return "  dotnet run --project KvStore.AppHost -- --publisher docker-compose --output-path DIR   (or: aspire publish -o DIR)";
        yield return "which also writes DIR/.env, where the ${...} values below (parameters, secrets) come from.";
        yield return "Build contexts are relative to the repository root.";
        yield return "Build the images first: deploy/build-images.sh. Then: docker compose up -d (or docker-compose up -d).";
        foreach (var project in hostOnly)
            yield return $"Not deployed here, run from the host: {project.Name}.";
        yield return "";
    }

    private static readonly string[] EnvHeader =
    [
        "Values for docker-compose.yml's ${...}, written by the AppHost's docker-compose publishing step. It holds secrets: do not commit it.",
        "Publishing again keeps the values here and adds missing ones.",
    ];

    private static async Task<IEnumerable<EnvEntry>> EnvEntriesAsync(DistributedApplicationModel model, CancellationToken cancellationToken)
    {
        var entries = new List<EnvEntry>();
        foreach (var parameter in model.Resources.OfType<ParameterResource>())
        {
            var comment = parameter.Secret ? $"Parameter {parameter.Name} (secret)" : $"Parameter {parameter.Name}";
            entries.Add(new EnvEntry(EnvironmentNames.ForParameter(parameter.Name), await parameter.GetValueAsync(cancellationToken) ?? "", comment));
        }

        entries.Add(new EnvEntry(ComposeDashboard.BrowserTokenVariable, RandomNumberGenerator.GetString(GeneratedAlphabet, 32),
            $"The dashboard's browser token (secret): log in at http://localhost:{ComposeDashboard.UiPort}/login?t=THIS_VALUE"));
        entries.Add(new EnvEntry(ComposeDashboard.OtlpApiKeyVariable, RandomNumberGenerator.GetString(GeneratedAlphabet, 32),
            "The key the services' OTLP exports carry to the dashboard (secret)"));
        entries.Add(new EnvEntry("BASE_IMAGE", DefaultBaseImage,
            "The base image when Compose builds the images; kvstore/runtime-deps:10.0 where no registry is reachable (deploy/build-base-image.sh)"));
        return entries;
    }

    /// <summary>Paths in the model are relative to the AppHost's folder; in docker-compose.yml, to the repository's root.</summary>
    private sealed record RelativePaths(string AppHostDirectory, string OutputDirectory)
    {
        public string FromOutput(string path) => Slashes(Path.GetRelativePath(OutputDirectory, Path.GetFullPath(Path.Combine(AppHostDirectory, path))));

        public string Between(string from, string to) => Slashes(Path.GetRelativePath(
            Path.GetFullPath(Path.Combine(AppHostDirectory, from)), Path.GetFullPath(Path.Combine(AppHostDirectory, to))));

        private static string Slashes(string path) => path.Replace(Path.DirectorySeparatorChar, '/');
    }
}
