using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.Hosting;

namespace KvStore.AppHost.Hosting;

/// <summary>What Program.cs declares the application on (Aspire's builder of the same name).</summary>
public interface IDistributedApplicationBuilder
{
    /// <summary>appsettings.json, environment, command line: where parameters, ports and dashboard settings come from.</summary>
    IConfigurationManager Configuration { get; }

    IHostEnvironment Environment { get; }

    /// <summary>The folder of the AppHost project; relative project paths are resolved against it.</summary>
    string AppHostDirectory { get; }

    IResourceBuilder<T> AddResource<T>(T resource) where T : IResource;

    DistributedApplication Build();
}
