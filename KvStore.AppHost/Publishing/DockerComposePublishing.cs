#pragma warning disable ASPIREPIPELINES001, ASPIREPIPELINES004 // Aspire's publishing pipeline is marked experimental in 13.x.
using Aspire.Hosting.Pipelines;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Publishing;

/// <summary>
/// A step in Aspire's publish pipeline that writes the app model as a Docker Compose deployment (Aspire.Hosting.Docker
/// is not served here): DIR/docker-compose.yml and DIR/.env, shaped like that integration's output. It runs under
/// <c>aspire publish -o DIR</c> and under <c>dotnet run --project KvStore.AppHost -- --publisher docker-compose --output-path DIR</c>.
/// </summary>
public static partial class DockerComposePublishing
{
    public const string StepName = "publish-docker-compose";
    public const string PublisherName = "docker-compose";
    public const string NetworkName = "aspire";
    public const string RestartPolicy = "unless-stopped";

    public static IDistributedApplicationBuilder AddDockerComposePublishing(this IDistributedApplicationBuilder builder)
    {
        // As Aspire does for --publisher manifest: name the publisher alone and only its step runs (the whole publish
        // pipeline would also build and push container images).
        if (string.Equals(builder.Configuration["Publishing:Publisher"], PublisherName, StringComparison.OrdinalIgnoreCase) &&
            string.IsNullOrEmpty(builder.Configuration["Pipeline:Step"]))
        {
            builder.Configuration["Pipeline:Step"] = StepName;
        }

        builder.Pipeline.AddStep(StepName, RunAsync, requiredBy: WellKnownPipelineSteps.Publish);
        return builder;
    }

    private static async Task RunAsync(PipelineStepContext context)
    {
        try
        {
            var output = context.Services.GetRequiredService<IPipelineOutputService>().GetOutputDirectory();
            var written = await ComposeWriter.WriteAsync(context.Model, context.ExecutionContext, context.Services, output, context.CancellationToken);
            foreach (var path in written)
                Wrote(context.Logger, path);
        }
        catch
        {
            // dotnet run would otherwise exit 0 after a failed step; a script must see the failure.
            Environment.ExitCode = 1;
            throw;
        }
    }

    [LoggerMessage(EventId = 1, Level = LogLevel.Information, Message = "Wrote {Path}")]
    private static partial void Wrote(ILogger logger, string path);

    public static ComposeHealthcheck HttpHealthcheck(string url) => new(["CMD", "curl", "-fsS", "-o", "/dev/null", url], "5s", "3s", 10, "10s");
}
