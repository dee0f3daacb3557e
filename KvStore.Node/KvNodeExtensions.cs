using KvStore.Node.Api;
using KvStore.Node.Configuration;
using KvStore.Node.Follower;
using KvStore.Node.Leader;
using KvStore.Node.Storage;
using KvStore.ServiceDefaults.ServiceDiscovery;
using Microsoft.Extensions.Options;

namespace KvStore.Node;

public static class KvNodeExtensions
{
    /// <summary>Registers a node's services; its role (ROLE) decides whether it gets the leader's or the follower's parts.</summary>
    public static WebApplicationBuilder AddKvNode(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<NodeOptions>().BindConfiguration("").ValidateOnStart();
        services.AddSingleton<IValidateOptions<NodeOptions>, NodeOptionsValidator>();
        services.ConfigureHttpJsonOptions(o => o.SerializerOptions.TypeInfoResolverChain.Insert(0, KvJsonContext.Default));
        services.AddProblemDetails(o => o.CustomizeProblemDetails = context =>
        {
            var status = context.ProblemDetails.Status ?? context.HttpContext.Response.StatusCode;
            context.ProblemDetails.Extensions.TryAdd("code", Problems.CodeForStatus(status));
        });

        services.TryAddSingletonTimeProvider();
        services.AddSingleton<KeyValueState>();
        services.AddSingleton(sp => new ReplicationSecret(sp.GetRequiredService<IOptions<NodeOptions>>().Value.ReplicationToken ?? ""));

        var role = builder.Configuration["ROLE"];
        if (string.Equals(role, "leader", StringComparison.OrdinalIgnoreCase))
        {
            services.AddSingleton<IReplicationLog, InMemoryReplicationLog>();
            services.AddSingleton<FollowerDirectory>();
            services.AddSingleton(sp => new QuorumTracker(sp.GetRequiredService<FollowerDirectory>().Endpoints.Count));
            services.AddSingleton<ISimulatedLag, UniformLag>();
            services.AddSingleton<ReplicationCoordinator>();
            services.AddHostedService(sp => sp.GetRequiredService<ReplicationCoordinator>());
            services.AddSingleton<LeaderWriter>();
        }
        else
        {
            services.AddSingleton<ReplicaApplier>();
        }

        services.AddSingleton(CreateContext);
        UseRoleDefaultPort(builder, role);
        return builder;
    }

    /// <summary>
    /// The configuration problems that stop this node, as one line naming what to set; null when it may start.
    /// Checked before the host starts so the operator sees one line, not a stack trace.
    /// </summary>
    public static string? ConfigurationError(this WebApplication app)
    {
        try
        {
            _ = app.Services.GetRequiredService<IOptions<NodeOptions>>().Value;
            return null;
        }
        catch (OptionsValidationException e)
        {
            return "kvstore: cannot start: " + string.Join("; ", e.Failures);
        }
    }

    private static NodeContext CreateContext(IServiceProvider sp)
    {
        var o = sp.GetRequiredService<IOptions<NodeOptions>>().Value;
        string? leaderUrl = null;
        if (!string.IsNullOrWhiteSpace(o.Leader))
        {
            leaderUrl = sp.GetRequiredService<ServiceEndpointResolver>().TryResolve(o.Leader, out var uri)
                ? uri.ToString().TrimEnd('/')
                : o.Leader;
        }

        return new NodeContext(
            o.EffectiveName,
            o.ParsedRole,
            leaderUrl,
            sp.GetRequiredService<KeyValueState>(),
            sp.GetService<LeaderWriter>(),
            sp.GetService<ReplicationCoordinator>(),
            sp.GetService<ReplicaApplier>(),
            o.MaxValueBytes,
            o.ReadWaitTimeoutSpan);
    }

    private static void TryAddSingletonTimeProvider(this IServiceCollection services)
    {
        if (!services.Any(d => d.ServiceType == typeof(TimeProvider)))
            services.AddSingleton(TimeProvider.System);
    }

    // The seeds' ports when nothing else says: leader 8000, a follower 8001 (ASPNETCORE_URLS, HTTP_PORTS win).
    private static void UseRoleDefaultPort(WebApplicationBuilder builder, string? role)
    {
        var c = builder.Configuration;
        if (!string.IsNullOrEmpty(c["urls"]) || !string.IsNullOrEmpty(c["http_ports"]) ||
            !string.IsNullOrEmpty(c["https_ports"]) || c.GetSection("Kestrel:Endpoints").Exists())
        {
            return;
        }

        var port = string.Equals(role, "leader", StringComparison.OrdinalIgnoreCase) ? 8000 : 8001;
        builder.WebHost.UseUrls($"http://localhost:{port}");
    }
}
