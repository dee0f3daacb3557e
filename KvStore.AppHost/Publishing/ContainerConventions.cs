using System.Globalization;
using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Publishing;

/// <summary>How a resource looks once deployed in a container, the same in the manifest and in Compose.</summary>
public static class ContainerConventions
{
    /// <summary>Where a resource's state folder (<see cref="StateDirectoryValue"/>, a node's DATA_DIR) is inside its container; a volume backs it.</summary>
    public const string StateDirectory = "/data";

    /// <summary>The port the process listens on inside its container.</summary>
    public static int ContainerPort(EndpointDefinition endpoint) => endpoint.TargetPort ?? endpoint.Port;

    /// <summary>How other services reach an endpoint on the deployment's network: by service name and container port.</summary>
    public static string ServiceUrl(ProjectResource resource, EndpointDefinition endpoint) =>
        string.Create(CultureInfo.InvariantCulture, $"{endpoint.Scheme}://{resource.Name}:{ContainerPort(endpoint)}");

    /// <summary>
    /// What the process is told about its ports, as Aspire does for a project in a container: <c>HTTP_PORTS</c> with the
    /// target ports of its http endpoints (the .NET images' convention, read by Kestrel).
    /// </summary>
    public static IEnumerable<(string Name, string Value)> PortVariables(ProjectResource resource, Func<EndpointDefinition, string> port)
    {
        var http = resource.Endpoints.Where(e => e.Scheme == "http").ToList();
        if (http.Count > 0)
            yield return ("HTTP_PORTS", string.Join(';', http.Select(port)));
    }

    /// <summary>The model's variables, a later one with the same name replacing an earlier one in place (first-declared order).</summary>
    public static IReadOnlyList<EnvironmentVariable> EffectiveEnvironment(ProjectResource resource)
    {
        var byName = new Dictionary<string, int>(StringComparer.Ordinal);
        var result = new List<EnvironmentVariable>();
        foreach (var variable in resource.Environment)
        {
            if (byName.TryGetValue(variable.Name, out var index))
            {
                result[index] = variable;
            }
            else
            {
                byName[variable.Name] = result.Count;
                result.Add(variable);
            }
        }

        return result;
    }
}
