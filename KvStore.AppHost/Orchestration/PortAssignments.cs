using System.Globalization;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// The host port of every endpoint for this run. The model's ports (leader 8000, followers 8001–8005) are the default;
/// <c>Ports:Base</c> (<c>--port-base</c>) moves them all so the lowest lands on Base (tests run beside a default
/// cluster), and <c>Ports:{resource}</c> sets one resource's first endpoint.
/// </summary>
public static class PortAssignments
{
    public const string SectionName = "Ports";

    public static IReadOnlyDictionary<EndpointKey, int> Resolve(DistributedApplicationModel model, IConfiguration configuration)
    {
        var section = configuration.GetSection(SectionName);
        var declared = model.Projects.SelectMany(p => p.Endpoints.Select(e => (Resource: p, Endpoint: e))).ToList();
        var offset = 0;
        if (section["Base"] is { } basePort && declared.Count > 0)
            offset = ParsePort("Base", basePort) - declared.Min(d => d.Endpoint.Port);

        var ports = new Dictionary<EndpointKey, int>();
        foreach (var (resource, endpoint) in declared)
        {
            var port = endpoint.Port + offset;
            if (resource.Endpoints[0] == endpoint && section[resource.Name] is { } single)
                port = ParsePort(resource.Name, single);
            if (port is < 1 or > 65535)
                throw new AppHostStartupException($"port {port} for {resource.Name} is out of range (Ports:Base moves every port)");
            ports[new EndpointKey(resource.Name, endpoint.Name)] = port;
        }

        var clash = ports.GroupBy(p => p.Value).FirstOrDefault(g => g.Count() > 1);
        if (clash is not null)
            throw new AppHostStartupException($"port {clash.Key} is assigned to {string.Join(" and ", clash.Select(c => c.Key.Resource))}");
        return ports;
    }

    private static int ParsePort(string key, string value) =>
        int.TryParse(value, NumberStyles.None, CultureInfo.InvariantCulture, out var port) && port is > 0 and < 65536
            ? port
            : throw new AppHostStartupException($"Ports:{key} must be a port number (1-65535), not '{value}'");
}
