using System.Text.Json.Serialization;

namespace KvStore.AppHost.Orchestration;

[JsonConverter(typeof(JsonStringEnumConverter<LogSource>))]
public enum LogSource
{
    Stdout,
    Stderr,

    /// <summary>Written by the orchestrator: build output, start and exit notices.</summary>
    System,
}
