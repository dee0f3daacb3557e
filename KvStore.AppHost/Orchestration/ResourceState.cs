using System.Text.Json.Serialization;

namespace KvStore.AppHost.Orchestration;

/// <summary>Where a resource is in its life; health is tracked beside it (<see cref="HealthStatus"/>).</summary>
[JsonConverter(typeof(JsonStringEnumConverter<ResourceState>))]
public enum ResourceState
{
    /// <summary>Explicit start: waits for a user to start it.</summary>
    NotStarted,
    Building,

    /// <summary>The process runs; its health check has not passed yet.</summary>
    Starting,

    /// <summary>The process runs and (when it has a health check) answers healthy.</summary>
    Running,

    /// <summary>The process runs but its health check fails after it had passed.</summary>
    Unhealthy,
    Stopping,

    /// <summary>Stopped on request (dashboard, API, shutdown).</summary>
    Stopped,

    /// <summary>The process ended by itself; see the exit code.</summary>
    Exited,

    /// <summary>Could not be started: build failure, port taken, missing output; see the message.</summary>
    FailedToStart,
}
