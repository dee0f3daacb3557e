namespace KvStore.AppHost.Orchestration;

/// <summary>One endpoint of one resource: <c>follower1</c>'s <c>http</c>.</summary>
public readonly record struct EndpointKey(string Resource, string Endpoint);
