namespace KvStore.AppHost;

/// <summary>The app model's parameters that nodes (and the load runner) read; values come from configuration.</summary>
public sealed record NodeSettings(
    IResourceBuilder<ParameterResource> WriteQuorum,
    IResourceBuilder<ParameterResource> MinDelay,
    IResourceBuilder<ParameterResource> MaxDelay,
    IResourceBuilder<ParameterResource> ReplicationTimeout,
    IResourceBuilder<ParameterResource> Fsync,
    IResourceBuilder<ParameterResource> ReplicationToken);
