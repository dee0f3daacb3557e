using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// One publishing run: the model, the AppHost's configuration (parameter values for <c>.env</c>), where to write, and
/// the folder the written paths are relative to (<see cref="PathBase"/>: the output's folder unless
/// <c>Publishing:PathBase</c> says otherwise, e.g. to stage files that will be moved there).
/// </summary>
public sealed record PublishingContext(
    DistributedApplicationModel Model, IConfiguration Configuration, string OutputPath, string PathBase, string AppHostDirectory)
{
    /// <summary>
    /// A path declared relative to the AppHost project (<c>../KvStore.Node/KvStore.Node.csproj</c>) as the artifact
    /// writes it: relative to <see cref="PathBase"/>, with '/' separators whatever the OS, so the output is the same everywhere.
    /// </summary>
    public string RelativePath(string appHostRelativePath)
    {
        var full = Path.GetFullPath(Path.Combine(AppHostDirectory, appHostRelativePath));
        var relative = Path.GetRelativePath(PathBase, full).Replace(Path.DirectorySeparatorChar, '/');
        return relative == "." ? "." : relative;
    }
}
