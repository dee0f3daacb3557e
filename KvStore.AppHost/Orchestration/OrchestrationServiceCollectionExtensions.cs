using KvStore.AppHost.Dashboard;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Orchestration;

internal static class OrchestrationServiceCollectionExtensions
{
    public static IServiceCollection AddOrchestrator(this IServiceCollection services, IConfiguration configuration)
    {
        services.AddOptions<OrchestratorOptions>().BindConfiguration(OrchestratorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var model = sp.GetRequiredService<DistributedApplicationModel>();
            var options = sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value;
            var runId = RunContext.NewRunId(sp.GetRequiredService<TimeProvider>());
            var root = options.StateRoot is { Length: > 0 } configured ? Path.GetFullPath(configured) : Path.Combine(Path.GetTempPath(), "kvstore-apphost");
            return new RunContext(runId, Path.Combine(root, runId), options.Host,
                ParameterValues.Resolve(model, configuration), PortAssignments.Resolve(model, configuration));
        });
        services.AddSingleton(sp => new TelemetrySettings(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.OtlpGrpcUrl));
        services.AddSingleton<Orchestrator>();
        services.AddHostedService(sp => sp.GetRequiredService<Orchestrator>());
        return services;
    }
}
