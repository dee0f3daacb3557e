using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.AppHost.Dashboard.Api;

/// <summary>
/// The dashboard's pages. Each is the same shell (index.html); its script draws the page the path names, so links and
/// reloads work without a client-side router. Pages need the login, like the API.
/// </summary>
internal static class PagesApi
{
    private static readonly string[] Paths = ["/", "/consolelogs/{resource?}", "/explorer", "/structuredlogs", "/traces", "/traces/{traceId}", "/metrics"];

    public static IEndpointRouteBuilder MapPages(this IEndpointRouteBuilder app)
    {
        var pages = app.MapGroup("").RequireAuthorization().ExcludeFromDescription();
        foreach (var path in Paths)
            pages.MapGet(path, Shell);
        return app;
    }

    public static async Task<ContentHttpResult> Shell(HttpContext http, DashboardAssets assets, CancellationToken cancellationToken)
    {
        http.Response.Headers.CacheControl = "no-store";
        return TypedResults.Content(await assets.ReadTextAsync("index.html", cancellationToken), "text/html; charset=utf-8");
    }
}
