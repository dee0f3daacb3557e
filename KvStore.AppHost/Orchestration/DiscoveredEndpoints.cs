using System.Globalization;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// Where the resources of a deployment are, for the dashboard-only mode: Aspire's service-discovery configuration
/// <c>services:{resource}:{endpoint}:0</c> (environment <c>services__leader__http__0=http://leader:8080</c>), and
/// otherwise the Compose convention, the service's name and the endpoint's container port (<c>http://leader:8080</c>).
/// </summary>
public static class DiscoveredEndpoints
{
    public static IReadOnlyDictionary<EndpointKey, string> Resolve(DistributedApplicationModel model, IConfiguration configuration)
    {
        var urls = new Dictionary<EndpointKey, string>();
        foreach (var project in model.Projects)
        {
            foreach (var endpoint in project.Endpoints)
            {
                var configured = configuration[$"services:{project.Name}:{endpoint.Name}:0"];
                urls[new EndpointKey(project.Name, endpoint.Name)] = configured is { Length: > 0 }
                    ? configured.TrimEnd('/')
                    : string.Create(CultureInfo.InvariantCulture, $"{endpoint.Scheme}://{project.Name}:{endpoint.TargetPort ?? endpoint.Port}");
            }
        }

        return urls;
    }
}
