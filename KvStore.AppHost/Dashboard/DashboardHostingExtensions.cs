using Microsoft.AspNetCore.Authentication;
using KvStore.AppHost.Dashboard.Api;
using KvStore.AppHost.Dashboard.Authentication;
using KvStore.AppHost.Telemetry;
using Microsoft.AspNetCore.Server.Kestrel.Core;
using Microsoft.AspNetCore.Authentication.Cookies;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Dashboard;

/// <summary>The dashboard: pages, their API, and Aspire's browser-token login, served by the AppHost's web host.</summary>
internal static class DashboardHostingExtensions
{
    public static WebApplicationBuilder AddDashboard(this WebApplicationBuilder builder)
    {
        var services = builder.Services;
        services.AddOptions<DashboardOptions>().BindConfiguration(DashboardOptions.SectionName).ValidateDataAnnotations().ValidateOnStart();
        var url = builder.Configuration.GetSection(DashboardOptions.SectionName).Get<DashboardOptions>()?.Url ?? new DashboardOptions().Url;
        // Explicit listeners rather than UseUrls: the OTLP ports beside this one need their own protocols.
        builder.WebHost.ConfigureKestrel(kestrel => kestrel.Listen(url, HttpProtocols.Http1));
        builder.AddTelemetryReceiver();

        services.AddSingleton(sp => BrowserToken.Create(sp.GetRequiredService<IOptions<DashboardOptions>>().Value.BrowserToken));
        services.AddSingleton<DashboardAssets>();
        services.AddAuthentication(DashboardAuthenticationSchemes.Dashboard)
            .AddPolicyScheme(DashboardAuthenticationSchemes.Dashboard, null, o => o.ForwardDefaultSelector = context =>
                context.Request.Headers.Authorization.Count > 0 ? DashboardAuthenticationSchemes.Token : DashboardAuthenticationSchemes.Cookie)
            .AddCookie(DashboardAuthenticationSchemes.Cookie, o =>
            {
                o.Cookie.Name = ".KvStore.Dashboard";
                o.Cookie.HttpOnly = true;
                // Strict: a page from another site cannot make the browser send it, so the API's POSTs need no antiforgery token.
                o.Cookie.SameSite = SameSiteMode.Strict;
                o.ExpireTimeSpan = TimeSpan.FromDays(3);
                o.LoginPath = "/login";
                o.Events.OnRedirectToLogin = context =>
                {
                    // An API caller gets a status, not an HTML page.
                    if (context.Request.Path.StartsWithSegments("/api"))
                        context.Response.StatusCode = StatusCodes.Status401Unauthorized;
                    else
                        context.Response.Redirect(context.RedirectUri);
                    return Task.CompletedTask;
                };
            })
            .AddScheme<AuthenticationSchemeOptions, BrowserTokenHeaderHandler>(DashboardAuthenticationSchemes.Token, null);
        services.AddAuthorization();
        services.AddProblemDetails();
        services.AddHttpClient(KvExplorerApi.HttpClientName, c => c.Timeout = TimeSpan.FromSeconds(10));
        return builder;
    }

    public static WebApplication MapDashboard(this WebApplication app)
    {
        app.MapOtlpReceiver();
        app.UseStatusCodePages();
        app.UseStaticFiles(new StaticFileOptions { FileProvider = app.Services.GetRequiredService<DashboardAssets>().Files, RequestPath = DashboardAssets.RequestPath });
        app.UseAuthentication();
        app.UseAuthorization();

        app.MapLoginApi();
        app.MapPages();
        app.MapResourcesApi();
        app.MapKvExplorerApi();
        app.MapDashboardInfoApi();
        app.MapTelemetryApi();

        var options = app.Services.GetRequiredService<IOptions<DashboardOptions>>();
        var token = app.Services.GetRequiredService<BrowserToken>();
        var logger = app.Services.GetRequiredService<ILoggerFactory>().CreateLogger("KvStore.AppHost");
        app.Lifetime.ApplicationStarted.Register(() =>
        {
            var url = options.Value.Url.TrimEnd('/');
            logger.Listening(url);
            logger.LoginUrl($"{url}/login?t={token.Value}");
        });
        return app;
    }
}
