using System.CommandLine;
using System.Globalization;
using KvStore.LoadRunner.Cluster;
using KvStore.LoadRunner.Load;
using KvStore.LoadRunner.Reporting;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary>
/// <c>failover</c>: the failover drill against a FAILOVER=manual or etcd cluster given by its nodes' URLs. Every interval
/// the current leader is made to give up: <c>--fault step-down</c> asks it (POST /admin/step-down), <c>--fault sigstop</c>
/// freezes its process (its pid from GET /admin/position, so the nodes must run on this host) for <c>--pause</c>, past
/// its lease, then resumes it; <c>--fault kill</c> kills it (kill -9), for a supervisor to start again. Prints each
/// failover's unavailability window, their p50 and max, the number of acknowledged writes lost and of versions
/// acknowledged for two writes, both of which must be 0 (exit 1 otherwise, or when a failover found no new leader).
/// </summary>
internal static class FailoverCommand
{
    public static Command Create(CommandContext context)
    {
        var nodes = new Option<string>("--nodes")
        {
            Description = "Every node's URL, comma-separated (http://127.0.0.1:8000,http://127.0.0.1:8001,...). Any of them may lead.",
            HelpName = "urls",
            Required = true,
        };
        var token = new Option<string>("--token")
        {
            Description = "The nodes' REPLICATION_TOKEN: the admin calls (step-down, position) need it.",
            HelpName = "secret",
            Required = true,
        };
        var fault = new Option<DrillFault>("--fault")
        {
            Description = "step-down (ask the leader), sigstop (freeze its process) or kill (kill -9 it; something must start it again).",
            DefaultValueFactory = _ => DrillFault.StepDown,
            HelpName = "step-down|sigstop|kill",
            CustomParser = result => result.Tokens.Count == 1 && result.Tokens[0].Value is var text
                ? text switch
                {
                    "step-down" => DrillFault.StepDown,
                    "sigstop" => DrillFault.Sigstop,
                    "kill" => DrillFault.Kill,
                    _ => Refuse(result, text),
                }
                : DrillFault.StepDown,
        };
        var clients = CliOptions.Count("--clients", 4, "Concurrent writers, each following the leader.");
        var quorum = CliOptions.Count("--quorum", 3, "Write quorum of every request (?quorum=).", min: 0);
        var failovers = CliOptions.Count("--failovers", 5, "How many failovers to cause.");
        var interval = CliOptions.Duration("--interval", TimeSpan.FromSeconds(10), "Load between two failovers.");
        var pause = CliOptions.Duration("--pause", TimeSpan.FromSeconds(6), "With --fault sigstop: how long the old leader stays frozen (longer than the lease TTL).");
        var requestTimeout = CliOptions.Duration("--request-timeout", TimeSpan.FromSeconds(1),
            "Give up on a write after this long (its outcome is then unknown, and the client asks who leads): a frozen leader holds a client this long.");
        var command = new Command("failover", "Failover drill: quorum load from clients that follow the leader, a leader change every interval, windows and lost writes.")
        {
            nodes, token, fault, clients, quorum, failovers, interval, pause, requestTimeout,
        };
        command.SetAction((parse, cancellationToken) => RunAsync(context, parse.GetRequiredValue(nodes), new DrillSettings(
            parse.GetValue(clients), parse.GetValue(quorum), parse.GetValue(failovers), parse.GetValue(interval), parse.GetValue(fault),
            parse.GetValue(pause), parse.GetRequiredValue(token)), parse.GetValue(requestTimeout), cancellationToken));
        return command;
    }

    private static DrillFault Refuse(System.CommandLine.Parsing.ArgumentResult result, string text)
    {
        result.AddError($"--fault must be 'step-down', 'sigstop' or 'kill' (got '{text}').");
        return default;
    }

    private static async Task<int> RunAsync(CommandContext context, string nodeList, DrillSettings settings, TimeSpan requestTimeout, CancellationToken cancellationToken)
    {
        var nodes = new List<Uri>();
        foreach (var text in nodeList.Split(',', StringSplitOptions.RemoveEmptyEntries | StringSplitOptions.TrimEntries))
        {
            if (!Uri.TryCreate(text, UriKind.Absolute, out var url) || url.Scheme is not ("http" or "https"))
                throw new UsageException($"--nodes takes http(s) URLs (got '{text}').");
            nodes.Add(url);
        }

        if (nodes.Count < 2)
            throw new UsageException("--nodes needs at least two nodes: one to lead, one to take over.");
        using var http = LoadRunnerHttp.Create(settings.Clients + nodes.Count, requestTimeout);
        using var admin = LoadRunnerHttp.Create(2, TimeSpan.FromSeconds(30));
        var tracker = new LeaderTracker(http, nodes);
        var drill = new FailoverDrill(http, admin, tracker, settings, line => context.Console.WriteLine(line));
        var result = await drill.RunAsync(cancellationToken);

        var windows = result.Failovers.Where(f => f.Window is not null).Select(f => f.Window!.Value.TotalMilliseconds).Order().ToList();
        var p50 = windows.Count == 0 ? double.NaN : windows[(windows.Count - 1) / 2];
        context.Console.WriteLine(string.Create(CultureInfo.InvariantCulture,
            $"{result.Failovers.Count} failovers ({settings.Fault}): unavailability window p50 {Format.Ms(p50)} ms, max {Format.Ms(windows.DefaultIfEmpty(double.NaN).Max())} ms; " +
            $"{result.Acknowledged} writes acknowledged at quorum {settings.Quorum}, {result.Unknown} with an unknown outcome (not retried)"));
        context.Console.WriteLine($"lost acknowledged writes: {result.Lost.Count}" + (result.Lost.Count > 0 ? " (" + string.Join(", ", result.Lost.Take(10)) + ")" : ""));
        context.Console.WriteLine($"versions acknowledged for two writes: {result.SharedVersions.Count}" +
            (result.SharedVersions.Count > 0 ? " (" + string.Join("; ", result.SharedVersions.Take(10)) + ")" : ""));
        if (result.Unconverged is not null)
            context.Console.WriteLine($"the nodes did not converge within 60 s: {result.Unconverged}");
        var failed = result.Lost.Count > 0 || result.SharedVersions.Count > 0 || result.Unconverged is not null || result.Failovers.Any(f => f.Window is null);
        return failed ? ExitCodes.Findings : ExitCodes.Success;
    }
}
