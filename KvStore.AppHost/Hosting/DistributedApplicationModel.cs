using System.Collections.Immutable;

namespace KvStore.AppHost.Hosting;

/// <summary>The whole application as declared in Program.cs: read by the orchestrator, the dashboard and the publishers.</summary>
public sealed record DistributedApplicationModel(ImmutableArray<IResource> Resources)
{
    public IEnumerable<ProjectResource> Projects => Resources.OfType<ProjectResource>();

    public IEnumerable<ParameterResource> Parameters => Resources.OfType<ParameterResource>();

    public IResource? Find(string name) => Resources.FirstOrDefault(r => r.Name == name);
}
