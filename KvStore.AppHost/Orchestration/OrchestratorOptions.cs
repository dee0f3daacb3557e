using System.ComponentModel.DataAnnotations;

namespace KvStore.AppHost.Orchestration;

/// <summary>How the orchestrator runs the model (configuration section <c>Orchestrator</c>).</summary>
public sealed class OrchestratorOptions
{
    public const string SectionName = "Orchestrator";

    /// <summary>Run the projects' existing build output instead of building them first (<c>--no-build</c>).</summary>
    public bool NoBuild { get; set; }

    /// <summary>Where each run gets its folder (resources' state, build logs); default: the temp folder's <c>kvstore-apphost</c>.</summary>
    public string? StateRoot { get; set; }

    /// <summary>The host name in the URLs resources listen on and are referenced by.</summary>
    [Required]
    public string Host { get; set; } = "localhost";

    [Range(typeof(TimeSpan), "00:00:00.050", "00:01:00")]
    public TimeSpan HealthProbeInterval { get; set; } = TimeSpan.FromSeconds(1);

    /// <summary>How long a stopped process gets between SIGTERM and SIGKILL.</summary>
    [Range(typeof(TimeSpan), "00:00:00", "00:05:00")]
    public TimeSpan StopTimeout { get; set; } = TimeSpan.FromSeconds(10);

    [Range(100, 1_000_000)]
    public int LogLinesPerResource { get; set; } = 10_000;

    /// <summary>
    /// Launch children through <c>setpriv --pdeathsig KILL</c> so the kernel kills them if the AppHost dies without
    /// cleaning up (SIGKILL, a crash). Off only where util-linux's setpriv is missing.
    /// </summary>
    public bool KillChildrenWithAppHost { get; set; } = true;
}
