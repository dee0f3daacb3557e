namespace KvStore.AppHost.Hosting;

/// <summary>The resource is healthy while <c>GET {endpoint}{Path}</c> answers 2xx (Aspire's <c>WithHttpHealthCheck</c>).</summary>
public sealed record HttpHealthCheck(string Endpoint, string Path);
