namespace KvStore.AppHost.Orchestration;

/// <summary>The <c>dotnet</c> executable that builds and runs the projects: the one running this AppHost when it can tell.</summary>
internal static class DotNetHost
{
    public static string Path { get; } = Find();

    private static string Find()
    {
        // "dotnet KvStore.AppHost.dll" runs under the muxer itself; "dotnet run" starts the apphost executable instead.
        if (Environment.ProcessPath is { } self && System.IO.Path.GetFileNameWithoutExtension(self) == "dotnet")
            return self;

        var candidates = new[] { Environment.GetEnvironmentVariable("DOTNET_HOST_PATH"), Root("DOTNET_ROOT") }
            .Concat((Environment.GetEnvironmentVariable("PATH") ?? "").Split(System.IO.Path.PathSeparator).Select(d => System.IO.Path.Combine(d, "dotnet")));
        return candidates.FirstOrDefault(File.Exists) ?? "dotnet";
    }

    private static string? Root(string variable) =>
        Environment.GetEnvironmentVariable(variable) is { Length: > 0 } root ? System.IO.Path.Combine(root, "dotnet") : null;
}
