using KvStore.AppHost.Hosting;
using KvStore.AppHost.Orchestration;
using Microsoft.Extensions.Configuration;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// <c>--publisher NAME --output-path PATH</c>: picks the publisher, resolves the paths (relative ones against the current
/// directory, as <c>dotnet run --project</c> keeps the caller's), writes, and says what it wrote. Exit code 0, or 1 with
/// one line on stderr.
/// </summary>
internal sealed class PublishingRun(DistributedApplicationModel model, IConfiguration configuration, string appHostDirectory)
{
    public const string PathBaseKey = "Publishing:PathBase";

    private static readonly IPublisher[] Publishers = [new ManifestPublisher(), new DockerComposePublisher()];

    public async Task<int> RunAsync(TextWriter output, TextWriter error, CancellationToken cancellationToken)
    {
        var name = configuration[AppHostArguments.PublisherKey];
        var publisher = Publishers.FirstOrDefault(p => string.Equals(p.Name, name, StringComparison.OrdinalIgnoreCase));
        if (publisher is null)
        {
            await error.WriteLineAsync($"kvstore apphost: unknown publisher '{name}': use {string.Join(" or ", Publishers.Select(p => p.Name))}");
            return 1;
        }

        if (configuration[AppHostArguments.OutputPathKey] is not { Length: > 0 } outputPath)
        {
            await error.WriteLineAsync($"kvstore apphost: --publisher {publisher.Name} needs --output-path ({publisher.OutputDescription})");
            return 1;
        }

        var fullOutputPath = Path.GetFullPath(outputPath);
        var pathBase = configuration[PathBaseKey] is { Length: > 0 } configured ? Path.GetFullPath(configured) : publisher.OutputDirectory(fullOutputPath);
        try
        {
            var context = new PublishingContext(model, configuration, fullOutputPath, pathBase, appHostDirectory);
            var files = await publisher.PublishAsync(context, cancellationToken);
            foreach (var file in files)
                await output.WriteLineAsync($"Wrote {file}");
            return 0;
        }
        catch (Exception e) when (e is AppHostStartupException or IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"kvstore apphost: cannot publish {publisher.Name}: {e.Message}");
            return 1;
        }
    }
}
