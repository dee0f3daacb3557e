namespace KvStore.AppHost.Hosting;

/// <summary>
/// The AppHost's own command-line switches, rewritten as configuration keys so everything else reads configuration:
/// flags (which the configuration command-line syntax cannot express) and Aspire's switches. Any other
/// <c>--Section:Key=value</c> passes through unchanged.
/// </summary>
public static class AppHostArguments
{
    public const string ModeKey = "AppHost:Mode";
    public const string PublisherKey = "Publishing:Publisher";
    public const string OutputPathKey = "Publishing:OutputPath";

    private static readonly Dictionary<string, string> Flags = new(StringComparer.Ordinal)
    {
        ["--no-build"] = "Orchestrator:NoBuild=true",
        ["--dashboard-only"] = $"{ModeKey}={AppHostMode.Dashboard}",
    };

    // Switches that take a value, as "--switch value" or "--switch=value".
    private static readonly Dictionary<string, string> Values = new(StringComparer.Ordinal)
    {
        ["--port-base"] = "Ports:Base",
        ["--publisher"] = PublisherKey,
        ["--output-path"] = OutputPathKey,
    };

    public static string[] ToConfigurationArgs(IEnumerable<string> args)
    {
        var result = new List<string>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            var name = arg.Split('=', 2)[0];
            if (Flags.TryGetValue(arg, out var flag))
                result.Add("--" + flag);
            else if (Values.TryGetValue(name, out var key) && arg.Length > name.Length)
                result.Add($"--{key}={arg[(name.Length + 1)..]}");
            else if (Values.TryGetValue(arg, out key) && e.MoveNext())
                result.Add($"--{key}={e.Current}");
            else
                result.Add(arg);
        }

        return [.. result];
    }
}
