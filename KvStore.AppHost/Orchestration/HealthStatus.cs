using System.Text.Json.Serialization;

namespace KvStore.AppHost.Orchestration;

[JsonConverter(typeof(JsonStringEnumConverter<HealthStatus>))]
public enum HealthStatus
{
    Healthy,
    Unhealthy,
}
