namespace KvStore.AppHost.Hosting;

/// <summary>
/// The AppHost's own command-line switches, rewritten as configuration keys so everything else reads configuration:
/// <c>--no-build</c> (a flag, which the configuration command-line syntax cannot express) and <c>--port-base N</c>.
/// Any other <c>--Section:Key=value</c> passes through unchanged.
/// </summary>
public static class AppHostArguments
{
    public static string[] ToConfigurationArgs(IEnumerable<string> args)
    {
        var result = new List<string>();
        using var e = args.GetEnumerator();
        while (e.MoveNext())
        {
            var arg = e.Current;
            if (arg == "--no-build")
                result.Add("--Orchestrator:NoBuild=true");
            else if (arg.StartsWith("--port-base=", StringComparison.Ordinal))
                result.Add("--Ports:Base=" + arg["--port-base=".Length..]);
            else if (arg == "--port-base" && e.MoveNext())
                result.Add("--Ports:Base=" + e.Current);
            else
                result.Add(arg);
        }

        return [.. result];
    }
}
