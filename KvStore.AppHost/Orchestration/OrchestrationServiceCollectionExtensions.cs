using KvStore.AppHost.Dashboard;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Orchestration;

internal static class OrchestrationServiceCollectionExtensions
{
    /// <summary>
    /// The orchestrator and this run's context. In <see cref="AppHostMode.Dashboard"/> mode the resources run elsewhere:
    /// the context holds their discovered URLs and the orchestrator only watches their health.
    /// </summary>
    public static IServiceCollection AddOrchestrator(this IServiceCollection services, IConfiguration configuration, AppHostMode mode)
    {
        services.AddOptions<OrchestratorOptions>().BindConfiguration(OrchestratorOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        services.AddSingleton(TimeProvider.System);
        services.AddSingleton(sp =>
        {
            var model = sp.GetRequiredService<DistributedApplicationModel>();
            var options = sp.GetRequiredService<IOptions<OrchestratorOptions>>().Value;
            var runId = RunContext.NewRunId(sp.GetRequiredService<TimeProvider>());
            var root = options.StateRoot is { Length: > 0 } configured ? Path.GetFullPath(configured) : Path.Combine(Path.GetTempPath(), "kvstore-apphost");
            if (mode == AppHostMode.Dashboard)
                return new RunContext(runId, Path.Combine(root, runId), DiscoveredEndpoints.Resolve(model, configuration));
            return new RunContext(runId, Path.Combine(root, runId), options.Host,
                ParameterValues.Resolve(model, configuration), PortAssignments.Resolve(model, configuration));
        });
        services.AddSingleton(sp => new TelemetrySettings(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.OtlpGrpcUrl));
        services.AddSingleton<Orchestrator>();
        services.AddHostedService(sp => sp.GetRequiredService<Orchestrator>());
        return services;
    }
}
