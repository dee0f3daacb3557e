using KvStore.LoadRunner;
using Microsoft.Extensions.Configuration;

namespace KvStore.Tests.LoadRunner;

/// <summary>What one in-process run of the load runner returned and printed.</summary>
public sealed record CliResult(int ExitCode, string Output, string Error)
{
    public override string ToString() => $"exit {ExitCode}\n--- stdout ---\n{Output}\n--- stderr ---\n{Error}";
}

/// <summary>Runs the real command line (parsing, commands, exit codes) in the test process.</summary>
public static class LoadRunnerCli
{
    public static Task<CliResult> RunAsync(params string[] args) => RunAsync(args, configuration: null, CancellationToken.None);

    public static async Task<CliResult> RunAsync(string[] args, IConfiguration? configuration, CancellationToken cancellationToken)
    {
        // Synchronized: the bench's progress lines come from a timer while the command itself writes too.
        using var output = new StringWriter();
        using var error = new StringWriter();
        var syncOutput = TextWriter.Synchronized(output);
        var syncError = TextWriter.Synchronized(error);
        var exitCode = configuration is null
            ? await LoadRunnerApp.RunAsync(args, syncOutput, syncError, cancellationToken)
            : await LoadRunnerApp.RunAsync(args, syncOutput, syncError, configuration, cancellationToken);
        return new CliResult(exitCode, output.ToString(), error.ToString());
    }
}
