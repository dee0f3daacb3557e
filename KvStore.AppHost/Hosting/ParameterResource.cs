namespace KvStore.AppHost.Hosting;

/// <summary>
/// A value supplied from the AppHost's configuration at <c>Parameters:{Name}</c> (appsettings.json, environment
/// <c>Parameters__{Name}</c>, command line), or produced by its <see cref="Default"/> when configuration has none.
/// A secret is never shown by the dashboard and goes to <c>.env</c> rather than to a published file.
/// </summary>
public sealed record ParameterResource(string Name, bool Secret = false, ParameterDefault? Default = null) : IResource
{
    public string ConfigurationKey => $"Parameters:{Name}";
}
