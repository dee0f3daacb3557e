using KvStore.AppHost.Hosting;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// Where a project resource's files are: its project file, and the dll a build puts in <c>bin/{Configuration}/{TargetFramework}</c>
/// (the SDK's default layout; the AppHost is built in the same configuration and framework as the projects it runs).
/// </summary>
public sealed record ProjectOutput(string ProjectFile, string Dll)
{
    public string ProjectDirectory => Path.GetDirectoryName(ProjectFile)!;

    public static ProjectOutput For(ProjectResource resource)
    {
        var projectFile = Path.GetFullPath(Path.Combine(AppHostAssembly.ProjectDirectory, resource.ProjectPath));
        var name = Path.GetFileNameWithoutExtension(projectFile);
        var dll = Path.Combine(Path.GetDirectoryName(projectFile)!, "bin", AppHostAssembly.Configuration, AppHostAssembly.TargetFramework, name + ".dll");
        return new ProjectOutput(projectFile, dll);
    }
}
