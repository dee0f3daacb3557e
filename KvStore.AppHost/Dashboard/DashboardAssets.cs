using Microsoft.Extensions.FileProviders;

namespace KvStore.AppHost.Dashboard;

/// <summary>The pages' HTML, JavaScript and CSS, embedded in the AppHost's dll (no CDN, nothing to copy beside it).</summary>
internal sealed class DashboardAssets
{
    public const string RequestPath = "/assets";

    public IFileProvider Files { get; } = new EmbeddedFileProvider(typeof(DashboardAssets).Assembly, "KvStore.AppHost.Dashboard.wwwroot");

    public async Task<string> ReadTextAsync(string name, CancellationToken cancellationToken)
    {
        await using var stream = Files.GetFileInfo(name).CreateReadStream();
        using var reader = new StreamReader(stream);
        return await reader.ReadToEndAsync(cancellationToken);
    }
}
