using KvStore.ServiceDefaults;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.ServiceDiscovery;
using Spectre.Console;

namespace KvStore.LoadRunner.Commands;

/// <summary>Where a command writes (the process's console, or a test's writer) and how it resolves service names.</summary>
internal sealed class CommandContext : IAsyncDisposable
{
    private readonly ServiceProvider _discovery;

    private CommandContext(IAnsiConsole console, bool interactive, IConfiguration configuration)
    {
        Console = console;
        Interactive = interactive;
        Configuration = configuration;
        _discovery = ServiceReferences.CreateResolverServices(configuration);
        Resolver = _discovery.GetRequiredService<ServiceEndpointResolver>();
    }

    /// <summary>Standard output through Spectre.Console: tables, and the live progress display when interactive.</summary>
    public IAnsiConsole Console { get; }

    /// <summary>A terminal a human watches; otherwise (redirected, CI, tests) progress is plain lines.</summary>
    public bool Interactive { get; }

    /// <summary>The process's environment (or a test's settings): service references and defaults such as MIN_DELAY.</summary>
    public IConfiguration Configuration { get; }

    /// <summary>Service discovery over <see cref="Configuration"/>, as a node under the AppHost resolves its peers.</summary>
    public ServiceEndpointResolver Resolver { get; }

    public ValueTask DisposeAsync() => _discovery.DisposeAsync();

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
