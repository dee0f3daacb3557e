using KvStore.ServiceDefaults.ServiceDiscovery;
using Microsoft.Extensions.Configuration;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary>Where a command writes (the process's console, or a test's writer) and how it resolves service names.</summary>
internal sealed class CommandContext
{
    private CommandContext(IAnsiConsole console, bool interactive, IConfiguration configuration)
    {
        Console = console;
        Interactive = interactive;
        Configuration = configuration;
        Resolver = new ServiceEndpointResolver(configuration);
    }

    /// <summary>Standard output through Spectre.Console: tables, and the live progress display when interactive.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>A terminal a human watches; otherwise (redirected, CI, tests) progress is plain lines.</summary>
    public bool Interactive { get; }

    /// <summary>The process's environment (or a test's settings): service references and defaults such as MIN_DELAY.</summary>
    public IConfiguration Configuration { get; }

    public ServiceEndpointResolver Resolver { get; }

    public static CommandContext Create(TextWriter output, IConfiguration configuration)
    {
        // Only the real, unredirected stdout is a terminal; any other writer gets plain text without escape codes.
        var interactive = ReferenceEquals(output, System.Console.Out) && !System.Console.IsOutputRedirected;
        var console = AnsiConsole.Create(new AnsiConsoleSettings
        {
            Out = new AnsiConsoleOutput(output),
            Ansi = interactive ? AnsiSupport.Detect : AnsiSupport.No,
            ColorSystem = interactive ? ColorSystemSupport.Detect : ColorSystemSupport.NoColors,
            Interactive = interactive ? InteractionSupport.Yes : InteractionSupport.No,
        });
        if (!interactive)
            console.Profile.Width = 160;
        return new CommandContext(console, interactive, configuration);
    }
}
