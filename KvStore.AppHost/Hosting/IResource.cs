namespace KvStore.AppHost.Hosting;

/// <summary>A named part of the application model: a parameter, a project to run.</summary>
public interface IResource
{
    /// <summary>Unique in the model; lowercase letters, digits and '-', as Aspire requires (it becomes a host and service name).</summary>
    string Name { get; }
}
