using System.CommandLine;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Commands;
using Microsoft.Extensions.Configuration;

namespace KvStore.LoadRunner;

/// <summary>
/// The load runner's entry point, separate from Program.cs so tests run the real command line in-process:
/// parsing, validation, the commands and their exit codes, with output captured by the caller's writers.
/// </summary>
public static class LoadRunnerApp
{
    /// <summary>Runs the command line; service references resolve through environment variables as under the AppHost.</summary>
    public static Task<int> RunAsync(string[] args, TextWriter output, TextWriter error, CancellationToken cancellationToken) =>
        RunAsync(args, output, error, new ConfigurationBuilder().AddEnvironmentVariables().Build(), cancellationToken);

    internal static async Task<int> RunAsync(
        string[] args, TextWriter output, TextWriter error, IConfiguration configuration, CancellationToken cancellationToken)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(output);
        ArgumentNullException.ThrowIfNull(error);
        await using var context = CommandContext.Create(output, configuration);
        var root = new RootCommand("KvStore load runner: the latency-against-quorum experiment, replica consistency checks, a throughput benchmark, " +
            "a linearizability check of recorded histories and a stale-read measurement.")
        {
            SweepCommand.Create(context),
            BenchCommand.Create(context),
            CheckCommand.Create(context),
            HistoryCommand.Create(context),
            StalenessCommand.Create(context),
            FailoverCommand.Create(context),
        };

        var parse = root.Parse(args);
        if (parse.Errors.Count > 0)
        {
            foreach (var problem in parse.Errors)
                await error.WriteLineAsync($"error: {problem.Message}");
            var command = parse.CommandResult.Command == root ? "" : " " + parse.CommandResult.Command.Name;
            await error.WriteLineAsync($"Run 'KvStore.LoadRunner{command} --help' for usage.");
            return ExitCodes.Usage;
        }

        var invocation = new InvocationConfiguration
        {
            Output = output,
            Error = error,
            // Failures are reported below with their own exit codes; Ctrl+C is the host's (Program.cs) to turn into cancellation.
            EnableDefaultExceptionHandler = false,
            ProcessTerminationTimeout = null,
        };
        try
        {
            return await parse.InvokeAsync(invocation, cancellationToken);
        }
        catch (Exception e) when (e is UsageException or ClusterUnreachableException)
        {
            await error.WriteLineAsync($"error: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException)
        {
            await error.WriteLineAsync($"error: cannot write the results: {e.Message}");
            return ExitCodes.Usage;
        }
        catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
        {
            await error.WriteLineAsync("interrupted before anything was measured");
            return ExitCodes.Interrupted;
        }
    }
}
