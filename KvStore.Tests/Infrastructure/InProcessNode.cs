using KvStore.Node;
using KvStore.Node.Api;
using Microsoft.AspNetCore.Builder;
using Microsoft.Extensions.Configuration;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Hosting;
using Microsoft.Extensions.Logging;

namespace KvStore.Tests.Infrastructure;

/// <summary>A real KvStore node (Kestrel on a loopback port) hosted in the test process, composed as Program.cs composes it.</summary>
public sealed class InProcessNode : IAsyncDisposable
{
    private readonly WebApplication _app;

    private InProcessNode(WebApplication app, string url)
    {
        _app = app;
        Url = url;
    }

    public string Url { get; }

    public IServiceProvider Services => _app.Services;

    /// <param name="configure">Runs after the node's own composition, before it is built: a test's extra services.</param>
    public static async Task<InProcessNode> StartAsync(int port, IDictionary<string, string?> settings, Action<WebApplicationBuilder>? configure = null)
    {
        var builder = WebApplication.CreateBuilder(new WebApplicationOptions
        {
            EnvironmentName = Environments.Production,
            ContentRootPath = AppContext.BaseDirectory,
        });
        var url = $"http://127.0.0.1:{port}";
        builder.Configuration.AddInMemoryCollection(settings);
        builder.Configuration["urls"] = url;
        builder.Logging.ClearProviders();

        builder.AddServiceDefaults();
        builder.AddKvNode();
        configure?.Invoke(builder);
        var app = builder.Build();
        if (await app.StartupErrorAsync() is { } error)
            throw new InvalidOperationException(error);

        app.MapKvNode();
        await app.StartAsync();
        return new InProcessNode(app, url);
    }

    public async ValueTask DisposeAsync()
    {
        using var timeout = new CancellationTokenSource(TimeSpan.FromSeconds(10));
        await _app.StopAsync(timeout.Token);
        await _app.DisposeAsync();
    }
}
