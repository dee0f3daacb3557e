using System.Globalization;
using System.Security.Cryptography;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// Writes the model as docker-compose.yml and .env. Each project or container marked <see cref="ComposeImage"/> is a
/// service on one bridge network, reached by service name (<c>services__follower1__http__0=http://follower1:8080</c>),
/// on its model port on the host when it has one, with its named volumes, a health check, a restart policy and a
/// depends_on for each WaitFor; projects export telemetry to the dashboard service. Parameters and secrets are
/// <c>${NAME}</c> references resolved from .env, so the yml holds no secret and is the same on every run.
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
        var deployed = model.Resources.Where(r => r.HasAnnotationOfType<ComposeImage>()).ToList();
        var serviceNames = deployed.Select(r => r.Name).ToHashSet(StringComparer.Ordinal);

        var servicesYaml = new OrderedDictionary<string, ComposeService>();
        var volumes = new OrderedDictionary<string, ComposeVolume>();
        foreach (var resource in deployed)
        {
            var mounts = Mounts(resource);
            foreach (var mount in mounts)
                volumes.Add(mount.Source, new ComposeVolume());
            servicesYaml.Add(resource.Name, await ServiceAsync(resource, mounts, serviceNames, executionContext, relative, cancellationToken));
        }

        servicesYaml.Add(ComposeDashboard.ServiceName, ComposeDashboard.Service(Build(ComposeImage.Dashboard, relative)));
        var file = new ComposeFile("3.8", servicesYaml, new() { [DockerComposePublishing.NetworkName] = new ComposeNetwork("bridge") }, volumes);

        Directory.CreateDirectory(outputDirectory);
        var composePath = Path.Combine(outputDirectory, ComposeFileName);
        var envPath = Path.Combine(outputDirectory, EnvFileName);
        var hostOnly = model.Resources.OfType<ProjectResource>().Where(p => !serviceNames.Contains(p.Name));
        await File.WriteAllTextAsync(composePath, ComposeYaml.Write(file, Header(hostOnly)), cancellationToken);
        EnvFile.Write(envPath, EnvHeader, await EnvEntriesAsync(model, cancellationToken));
        return [composePath, envPath];
    }

    private static async Task<ComposeService> ServiceAsync(IResource resource, List<ComposeVolumeMount> mounts, HashSet<string> serviceNames,
        DistributedApplicationExecutionContext executionContext, RelativePaths relative, CancellationToken cancellationToken)
    {
        var image = resource.Annotations.OfType<ComposeImage>().Single();
        var endpoints = resource.Annotations.OfType<EndpointAnnotation>().ToList();
        var environment = new OrderedDictionary<string, string>();
        if (resource.HasAnnotationOfType<OtlpExporterAnnotation>())
        {
            foreach (var (name, value) in ComposeDashboard.OtlpEnvironment(resource.Name))
                environment[name] = value;
        }

        var values = new Dictionary<string, object>();
        var context = new EnvironmentCallbackContext(executionContext, resource, values, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<EnvironmentCallbackAnnotation>())
            await callback.Callback(context);
        foreach (var (name, value) in values)
            environment[name] = Render(value);

        var args = new List<object>();
        var argsContext = new CommandLineArgsCallbackContext(args, resource, cancellationToken);
        foreach (var callback in resource.Annotations.OfType<CommandLineArgsCallbackAnnotation>())
            await callback.Callback(argsContext);

        // Only an endpoint with a host port in the model is published on the host; the others stay on the network.
        var published = endpoints.Where(e => e.Port is not null).ToList();
        var waits = resource.Annotations.OfType<WaitAnnotation>().Where(w => serviceNames.Contains(w.Resource.Name)).ToList();
        return new ComposeService
        {
            Image = image.Image,
            Build = Build(image, relative),
            Command = args.Count == 0 ? null : [.. args.Select(Render)],
            Environment = environment.Count == 0 ? null : environment,
            Ports = published.Count == 0 ? null : [.. published.Select(e => new ComposePort(TargetPort(e), e.Port!.Value, "tcp"))],
            Volumes = mounts.Count == 0 ? null : mounts,
            Networks = [DockerComposePublishing.NetworkName],
            DependsOn = waits.Count == 0 ? null : new(waits.Select(w => KeyValuePair.Create(w.Resource.Name, new ComposeDependency(Condition(w))))),
            Healthcheck = endpoints.FirstOrDefault(e => e.Name == "http") is { } http
                ? DockerComposePublishing.HttpHealthcheck($"http://localhost:{TargetPort(http)}{image.HealthPath}")
                : null,
            Restart = DockerComposePublishing.RestartPolicy,
        };
    }

    /// <summary>A node's data volume, and a container's named volumes; a bind mount would tie the file to one machine.</summary>
    private static List<ComposeVolumeMount> Mounts(IResource resource)
    {
        var mounts = resource.Annotations.OfType<NodeDataVolume>().Select(v => new ComposeVolumeMount("volume", v.Name, NodeDataVolume.MountPath)).ToList();
        foreach (var mount in resource.Annotations.OfType<ContainerMountAnnotation>())
        {
            if (mount.Type != ContainerMountType.Volume || string.IsNullOrEmpty(mount.Source))
                throw new NotSupportedException($"The Compose publisher writes named volumes only ({resource.Name}: {mount.Type} {mount.Source} at {mount.Target}).");
            mounts.Add(new ComposeVolumeMount("volume", mount.Source, mount.Target));
        }

        return mounts;
    }

    private static string Condition(WaitAnnotation wait) => wait.WaitType switch
    {
        WaitType.WaitUntilHealthy => "service_healthy",
        WaitType.WaitUntilStarted => "service_started",
        WaitType.WaitForCompletion => "service_completed_successfully",
        _ => throw new NotSupportedException($"The Compose publisher cannot write a wait of type {wait.WaitType}."),
    };

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
