namespace KvStore.AppHost.Publishing;

/// <summary>
/// A docker-compose.yml, as much of the format as the publisher writes. Property order is the file's order; null members
/// are left out. Format 3.8: read by Compose v1 (Debian's docker-compose 1.29) and v2 (which ignores the version).
/// </summary>
public sealed record ComposeFile(
    string Version,
    OrderedDictionary<string, ComposeService> Services,
    OrderedDictionary<string, ComposeNetwork> Networks,
    OrderedDictionary<string, ComposeVolume> Volumes);

public sealed record ComposeService
{
    public required string Image { get; init; }

    public ComposeBuild? Build { get; init; }

    public IReadOnlyList<string>? Command { get; init; }

    public IReadOnlyList<string>? Profiles { get; init; }

    /// <summary>Left out when empty (etcd takes its settings as arguments).</summary>
    public OrderedDictionary<string, string>? Environment { get; init; }

    public IReadOnlyList<ComposePort>? Ports { get; init; }

    public IReadOnlyList<ComposeVolumeMount>? Volumes { get; init; }

    public required IReadOnlyList<string> Networks { get; init; }

    /// <summary>The services this one waits for (the model's WaitFor), each with Compose's condition.</summary>
    public OrderedDictionary<string, ComposeDependency>? DependsOn { get; init; }

    public ComposeHealthcheck? Healthcheck { get; init; }

    public required string Restart { get; init; }
}

/// <summary>How Compose builds the image when it is missing: <see cref="Dockerfile"/> is relative to <see cref="Context"/>.</summary>
public sealed record ComposeBuild(string Context, string Dockerfile, OrderedDictionary<string, string> Args);

/// <summary>The long port syntax: no "8000:8080" string for a YAML 1.1 reader to misread.</summary>
public sealed record ComposePort(int Target, int Published, string Protocol);

public sealed record ComposeVolumeMount(string Type, string Source, string Target);

/// <summary>A depends_on entry in the long syntax: <c>service_healthy</c>, <c>service_started</c> or <c>service_completed_successfully</c>.</summary>
public sealed record ComposeDependency(string Condition);

public sealed record ComposeHealthcheck(IReadOnlyList<string> Test, string Interval, string Timeout, int Retries, string StartPeriod);

public sealed record ComposeNetwork(string Driver);

/// <summary>A named volume with the engine's defaults (written as <c>{}</c>).</summary>
public sealed record ComposeVolume;
