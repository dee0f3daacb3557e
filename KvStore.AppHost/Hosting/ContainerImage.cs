namespace KvStore.AppHost.Hosting;

/// <summary>
/// How a project resource is published as a container: the image's name, and the Dockerfile and build context that make
/// it (paths relative to the AppHost project's folder, like project paths). A project without one is not deployed by the
/// Compose publisher: it runs from the host.
/// </summary>
public sealed record ContainerImage(string Image, string Dockerfile, string BuildContext);
