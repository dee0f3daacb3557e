using KvStore.AppHost.Dashboard;
using KvStore.AppHost.Hosting;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Orchestration;

/// <summary>
/// What must hold before anything starts, reported as one line instead of a stack trace half-way through: valid options,
/// a value for every parameter, and every port the AppHost will listen on (dashboard, resources started with it) free.
/// </summary>
internal static class Preflight
{
    public static string? Check(IServiceProvider services)
    {
        try
        {
            var dashboard = services.GetRequiredService<IOptions<DashboardOptions>>().Value;
            _ = services.GetRequiredService<IOptions<OrchestratorOptions>>().Value;
            var run = services.GetRequiredService<RunContext>();
            var model = services.GetRequiredService<DistributedApplicationModel>();

            var ports = new List<(int Port, string Owner)> { (new Uri(dashboard.Url).Port, "the dashboard") };
            // Resources that run elsewhere (dashboard-only mode) take no port here.
            ports.AddRange(model.Projects.Where(p => !p.ExplicitStart && !run.ExternalResources)
                .SelectMany(p => p.Endpoints.Select(e => (run.Port(p.Name, e.Name), p.Name))));
            var taken = ports.Where(p => !PortProbe.IsFree(p.Port)).Select(p => $"port {p.Port} for {p.Owner} is already in use").ToList();
            return taken.Count > 0 ? string.Join("; ", taken) : null;
        }
        catch (OptionsValidationException e)
        {
            return string.Join("; ", e.Failures);
        }
        catch (AppHostStartupException e)
        {
            return e.Message;
        }
    }
}
