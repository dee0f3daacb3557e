namespace KvStore.AppHost.Orchestration;

/// <summary>A resource as the dashboard and <c>GET /api/resources</c> show it, at one moment.</summary>
public sealed record ResourceSnapshot(
    string Name,
    string Type,
    ResourceState State,
    HealthStatus? Health,
    int? ExitCode,
    IReadOnlyList<string> Urls,
    int? Pid,
    DateTimeOffset? StartedAt,
    DateTimeOffset? StoppedAt,
    int RestartCount,
    bool ExplicitStart,
    string? Message,
    IReadOnlyList<string> Args,
    IReadOnlyList<EnvironmentEntry> Environment);

/// <summary>A variable from the model with its value for this run; secret parameters' values are masked.</summary>
public sealed record EnvironmentEntry(string Name, string Value);
