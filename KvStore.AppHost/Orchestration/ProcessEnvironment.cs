using System.Collections;
using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Orchestration;

/// <summary>The environment a resource's process starts with: the AppHost's own, minus what would confuse it, plus its endpoints, telemetry and the model's variables.</summary>
public static class ProcessEnvironment
{
    // Variables of the AppHost's environment that must not leak into a child: they would pick its ports or its discovery.
    private static readonly string[] NotInherited =
        ["ASPNETCORE_URLS", "ASPNETCORE_HTTP_PORTS", "ASPNETCORE_HTTPS_PORTS", "HTTP_PORTS", "HTTPS_PORTS", "DOTNET_URLS"];

    public static Dictionary<string, string> For(ProjectResource resource, RunContext run, TelemetrySettings telemetry, string environmentName)
    {
        var environment = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (DictionaryEntry entry in Environment.GetEnvironmentVariables())
        {
            var name = (string)entry.Key;
            if (!NotInherited.Contains(name, StringComparer.OrdinalIgnoreCase) && !name.StartsWith("services__", StringComparison.OrdinalIgnoreCase))
                environment[name] = (string?)entry.Value ?? "";
        }

        environment["DOTNET_ENVIRONMENT"] = environmentName;
        environment["ASPNETCORE_ENVIRONMENT"] = environmentName;
        if (!resource.Endpoints.IsEmpty)
            environment["ASPNETCORE_URLS"] = string.Join(';', resource.Endpoints.Select(e => run.EndpointUrl(resource.Name, e.Name)));

        foreach (var (name, value) in OtlpExporterEnvironment.For(telemetry.OtlpEndpoint, resource.Name, $"{resource.Name}-{run.RunId}"))
            environment[name] = value;

        foreach (var variable in resource.Environment)
            environment[variable.Name] = run.Resolve(variable.Value);
        return environment;
    }
}
