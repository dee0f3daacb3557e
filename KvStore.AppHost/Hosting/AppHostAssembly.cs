using System.Reflection;

namespace KvStore.AppHost.Hosting;

/// <summary>Facts the build stamped into this assembly (see the csproj): where the AppHost project is, how it was built.</summary>
public static class AppHostAssembly
{
    private static readonly Assembly Assembly = typeof(AppHostAssembly).Assembly;

    /// <summary>The AppHost project's folder, so <c>../KvStore.Node/KvStore.Node.csproj</c> means the same from bin, tests or <c>dotnet run</c>.</summary>
    public static string ProjectDirectory => Metadata("AppHostProjectPath") ?? AppContext.BaseDirectory;

    /// <summary>Debug or Release: the projects the AppHost runs are built and looked up in the same configuration.</summary>
    public static string Configuration => Metadata("AppHostConfiguration") ?? "Debug";

    public static string TargetFramework => Metadata("AppHostTargetFramework") ?? "net10.0";

    private static string? Metadata(string key) =>
        Assembly.GetCustomAttributes<AssemblyMetadataAttribute>().FirstOrDefault(a => a.Key == key)?.Value;
}
