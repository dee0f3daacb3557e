namespace KvStore.AppHost.Hosting;

/// <summary>One environment variable a resource is started with.</summary>
public sealed record EnvironmentVariable(string Name, ValueExpression Value);
