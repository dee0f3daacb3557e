namespace KvStore.AppHost.Hosting;

/// <summary>
/// A network endpoint a resource serves. <see cref="Port"/> is the host port (leader 8000, ...), <see cref="TargetPort"/>
/// the port inside a container when one is published (the publishers' concern; null means the same as <see cref="Port"/>).
/// </summary>
public sealed record EndpointDefinition(string Name, string Scheme, int Port, int? TargetPort = null)
{
    /// <summary>Aspire's transport for an HTTP endpoint; the manifest's <c>bindings.*.transport</c>.</summary>
    public string Transport => Scheme is "http" or "https" ? "http" : Scheme;
}
