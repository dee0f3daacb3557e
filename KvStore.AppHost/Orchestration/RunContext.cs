using System.Globalization;
using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// What is decided once per run: the parameter values, the ports, the run's folder. Resolves the model's
/// <see cref="ValueExpression"/>s to the strings a process is started with. When the resources run elsewhere
/// (<see cref="ExternalResources"/>: the dashboard-only mode), their URLs are the ones service discovery gives instead.
/// </summary>
public sealed class RunContext
{
    private readonly IReadOnlyDictionary<EndpointKey, string>? _externalUrls;

    public RunContext(
        string runId, string stateDirectory, string host,
        IReadOnlyDictionary<string, string> parameters, IReadOnlyDictionary<EndpointKey, int> ports)
    {
        RunId = runId;
        StateDirectory = stateDirectory;
        Host = host;
        Parameters = parameters;
        Ports = ports;
    }

    /// <summary>A run that starts nothing: the resources are reached at <paramref name="externalUrls"/>.</summary>
    public RunContext(string runId, string stateDirectory, IReadOnlyDictionary<EndpointKey, string> externalUrls)
        : this(runId, stateDirectory, "", new Dictionary<string, string>(), new Dictionary<EndpointKey, int>()) =>
        _externalUrls = externalUrls;

    /// <summary>The resources are not this AppHost's processes (dashboard-only mode): they are watched, not started.</summary>
    public bool ExternalResources => _externalUrls is not null;

    public string RunId { get; }

    /// <summary>This run's folder; each resource has a subfolder named after it.</summary>
    public string StateDirectory { get; }

    public string Host { get; }

    public IReadOnlyDictionary<string, string> Parameters { get; }

    public IReadOnlyDictionary<EndpointKey, int> Ports { get; }

    public static string NewRunId(TimeProvider time) =>
        time.GetUtcNow().ToString("yyyyMMdd-HHmmss", CultureInfo.InvariantCulture) + "-" + Environment.ProcessId.ToString(CultureInfo.InvariantCulture);

    public int Port(string resource, string endpoint) => Ports[new EndpointKey(resource, endpoint)];

    public string EndpointUrl(string resource, string endpoint) => _externalUrls is { } urls
        ? urls[new EndpointKey(resource, endpoint)]
        : string.Create(CultureInfo.InvariantCulture, $"http://{Host}:{Port(resource, endpoint)}");

    public string ResourceStateDirectory(string resource) => Path.Combine(StateDirectory, resource);

    public string Resolve(ValueExpression value) => value switch
    {
        LiteralValue literal => literal.Value,
        ParameterValue parameter => Parameters[parameter.Parameter],
        EndpointUrlValue endpoint => EndpointUrl(endpoint.Resource, endpoint.Endpoint),
        StateDirectoryValue state => ResourceStateDirectory(state.Resource),
        _ => throw new NotSupportedException($"Cannot resolve {value.GetType().Name}."),
    };
}
