namespace KvStore.AppHost.Publishing;

/// <summary>
/// Marks a project or container that the Compose deployment runs as a service: its image, how to build it (paths relative to
/// the AppHost's folder; the Dockerfile relative to the repository) and the path its health check probes. Projects
/// without it (the load runner) run from the host.
/// </summary>
public sealed record ComposeImage(string Image, string Dockerfile, string BuildContext, string HealthPath) : IResourceAnnotation
{
    /// <summary>The node's image, over its Native AOT executable (deploy/build-images.sh).</summary>
    public static ComposeImage Node { get; } = new("kvstore/node", "../deploy/node.Dockerfile", "../artifacts/publish/node", "/health");

    /// <summary>etcd's, over the <c>etcd</c> binary of Debian's etcd-server package.</summary>
    public static ComposeImage Etcd { get; } = new("kvstore/etcd", "../deploy/etcd.Dockerfile", "../artifacts/publish/etcd", "/health");

    /// <summary>The dashboard's, over the Aspire.Dashboard.Sdk package's files.</summary>
    public static ComposeImage Dashboard { get; } = new(ComposeDashboard.Image, "../deploy/dashboard.Dockerfile", "../artifacts/publish/dashboard", "/login");
}
