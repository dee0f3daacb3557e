using KvStore.ServiceDefaults;
using KvStore.ServiceDefaults.Telemetry;
using Microsoft.AspNetCore.Builder;
using Microsoft.AspNetCore.Diagnostics.HealthChecks;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Diagnostics.HealthChecks;

namespace Microsoft.Extensions.Hosting;

/// <summary>
/// The cross-cutting defaults every KvStore process shares, in the shape of .NET Aspire's ServiceDefaults template
/// (ConfigureOpenTelemetry, AddDefaultHealthChecks, service discovery, MapDefaultEndpoints), so the nodes run unchanged
/// under an Aspire AppHost, ours, Compose or Kubernetes. Unlike the template, no HttpClient gets a resilience handler
/// by default: a retried <c>POST /write</c> after a 503 quorum_timeout would commit a second version.
/// </summary>
public static class ServiceDefaultsExtensions
{
    public static TBuilder AddServiceDefaults<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        builder.ConfigureOpenTelemetry();
        builder.AddDefaultHealthChecks();
        builder.Services.AddKvServiceDiscovery();
        return builder;
    }

    public static TBuilder AddDefaultHealthChecks<TBuilder>(this TBuilder builder) where TBuilder : IHostApplicationBuilder
    {
        // "live" marks checks that say the process should be restarted when they fail; readiness runs them all.
        builder.Services.AddHealthChecks().AddCheck("self", () => HealthCheckResult.Healthy(), ["live"]);
        return builder;
    }

    /// <summary>
    /// Maps /health (readiness: every check) and /alive (liveness: checks tagged "live"). Unlike Aspire's template
    /// these are mapped in every environment: the orchestrators here (our AppHost, Compose healthchecks) probe them in
    /// production too. Neither is traced (<see cref="TelemetryExtensions.IsTraced"/>).
    /// </summary>
    public static WebApplication MapDefaultEndpoints(this WebApplication app)
    {
        app.MapHealthChecks(TelemetryExtensions.HealthEndpointPath);
        app.MapHealthChecks(TelemetryExtensions.AlivenessEndpointPath, new HealthCheckOptions { Predicate = r => r.Tags.Contains("live") });
        return app;
    }
}
