namespace KvStore.AppHost.Hosting;

/// <summary>What one start of the AppHost does (chosen from its command line or configuration).</summary>
public enum AppHostMode
{
    /// <summary>Builds and runs every resource as a child process, with the dashboard (the default).</summary>
    Run,

    /// <summary>
    /// Only the dashboard (and its telemetry receiver): the resources run elsewhere, e.g. as Compose services, and are
    /// watched through their health endpoints at the URLs service discovery gives (<c>--dashboard-only</c>,
    /// <c>AppHost:Mode=Dashboard</c>).
    /// </summary>
    Dashboard,

    /// <summary>Writes the model as a deployment artifact and exits (<c>--publisher NAME --output-path PATH</c>).</summary>
    Publish,
}
