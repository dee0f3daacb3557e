using System.Collections.Immutable;
using System.Text.RegularExpressions;
using KvStore.AppHost.Dashboard;
using KvStore.AppHost.Orchestration;
using KvStore.AppHost.Publishing;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;

namespace KvStore.AppHost.Hosting;

/// <summary>
/// Collects the resources Program.cs declares, then builds the AppHost: a web host carrying the orchestrator (which runs
/// the model) and the dashboard. Configuration is the web host's: appsettings.json next to the dll, environment, command line.
/// </summary>
public sealed partial class DistributedApplicationBuilder : IDistributedApplicationBuilder
{
    private readonly WebApplicationBuilder _host;
    private readonly List<IResource> _resources = [];

    internal DistributedApplicationBuilder(string[] args)
    {
        _host = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            Args = AppHostArguments.ToConfigurationArgs(args),
            // appsettings.json is read from the output folder whatever the working directory (dotnet run, tests, a container).
            ContentRootPath = AppContext.BaseDirectory,
        });
    }

    public IConfigurationManager Configuration => _host.Configuration;

    public IHostEnvironment Environment => _host.Environment;

    public string AppHostDirectory => AppHostAssembly.ProjectDirectory;

    public IResourceBuilder<T> AddResource<T>(T resource) where T : IResource
    {
        if (!ResourceName().IsMatch(resource.Name))
            throw new ArgumentException($"Resource name '{resource.Name}' must be lowercase letters, digits and '-', starting with a letter.", nameof(resource));
        if (_resources.Any(r => r.Name == resource.Name))
            throw new InvalidOperationException($"A resource named '{resource.Name}' already exists.");
        _resources.Add(resource);
        return new ResourceBuilder<T>(this, resource.Name);
    }

    public DistributedApplication Build()
    {
        var model = new DistributedApplicationModel([.. _resources]);
        ModelValidation.ThrowIfInvalid(model);

        var mode = AppHostModes.From(_host.Configuration);
        if (mode == AppHostMode.Publish)
            return new DistributedApplication(new PublishingRun(model, _host.Configuration, AppHostDirectory), model);

        _host.Services.AddSingleton(model);
        _host.Services.AddOrchestrator(_host.Configuration, mode);
        _host.AddDashboard();
        var app = _host.Build();
        app.MapDashboard();
        return new DistributedApplication(app, model, mode);
    }

    internal IResource GetResource(string name) => _resources.Single(r => r.Name == name);

    internal void ReplaceResource(IResource resource)
    {
        var index = _resources.FindIndex(r => r.Name == resource.Name);
        _resources[index] = resource;
    }

    [GeneratedRegex("^[a-z][a-z0-9-]*$")]
    private static partial Regex ResourceName();
}
