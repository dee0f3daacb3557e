namespace KvStore.AppHost.Publishing;

/// <summary>Writes the application model as a deployment artifact (<c>--publisher NAME</c>).</summary>
public interface IPublisher
{
    /// <summary>The name given to <c>--publisher</c>.</summary>
    string Name { get; }

    /// <summary>What <c>--output-path</c> names for this publisher, for error messages.</summary>
    string OutputDescription { get; }

    /// <summary>The folder the artifact is written to, for <c>--output-path</c> <paramref name="outputPath"/> (a file or a folder).</summary>
    string OutputDirectory(string outputPath);

    /// <summary>Writes the artifact; returns the files written.</summary>
    Task<IReadOnlyList<string>> PublishAsync(PublishingContext context, CancellationToken cancellationToken);
}
