using Microsoft.Extensions.Hosting;

namespace KvStore.Node;

public static class NodeHostOptions
{
    /// <summary>
    /// The node's host options: its content root (where appsettings.json is found) is the folder the node was
    /// installed in, not the directory it was started from, so a node behaves the same wherever it is started.
    /// An explicit content root (ASPNETCORE_CONTENTROOT, DOTNET_CONTENTROOT or --contentRoot) still wins.
    /// </summary>
    public static WebApplicationOptions For(string[] args)
    {
        var explicitRoot = new ConfigurationBuilder()
            .AddEnvironmentVariables("DOTNET_")
            .AddEnvironmentVariables("ASPNETCORE_")
            .AddCommandLine(args)
            .Build()[HostDefaults.ContentRootKey];
        return new WebApplicationOptions { Args = args, ContentRootPath = explicitRoot ?? AppContext.BaseDirectory };
    }
}
