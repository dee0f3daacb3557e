using System.Net;
using System.Security.Claims;
using KvStore.AppHost.Dashboard.Authentication;
using Microsoft.AspNetCore.Authentication;
using Microsoft.AspNetCore.Http.HttpResults;

namespace KvStore.AppHost.Dashboard.Api;

/// <summary>
/// Aspire's browser-token login: <c>/login?t=TOKEN</c> (the URL printed at start) sets the dashboard cookie and goes
/// to the page asked for; <c>/login</c> alone shows a form to paste the token into.
/// </summary>
internal static class LoginApi
{
    public static IEndpointRouteBuilder MapLoginApi(this IEndpointRouteBuilder app)
    {
        app.MapGet("/login", Login).AllowAnonymous();
        return app;
    }

    public static async Task<Results<RedirectHttpResult, ContentHttpResult>> Login(
        string? t, string? returnUrl, HttpContext http, BrowserToken token, DashboardAssets assets, CancellationToken cancellationToken)
    {
        if (token.Matches(t))
        {
            var identity = new ClaimsIdentity([new Claim(ClaimTypes.Name, "browser")], DashboardAuthenticationSchemes.Cookie);
            await http.SignInAsync(DashboardAuthenticationSchemes.Cookie, new ClaimsPrincipal(identity), new AuthenticationProperties { IsPersistent = true });
            // Only a local path: the login URL must not become a way to send a logged-in user elsewhere.
            return TypedResults.LocalRedirect(returnUrl is ['/', not '/' and not '\\', ..] or "/" ? returnUrl : "/");
        }

        var page = await assets.ReadTextAsync("login.html", cancellationToken);
        var error = t is null ? "" : "<p class=\"login-error\">That token is not valid for this AppHost run.</p>";
        return TypedResults.Content(
            page.Replace("{{error}}", error, StringComparison.Ordinal).Replace("{{returnUrl}}", WebUtility.HtmlEncode(returnUrl ?? "/"), StringComparison.Ordinal),
            "text/html; charset=utf-8",
            statusCode: t is null ? StatusCodes.Status200OK : StatusCodes.Status401Unauthorized);
    }
}
