namespace KvStore.AppHost.Dashboard.Authentication;

internal static class DashboardAuthenticationSchemes
{
    /// <summary>Chooses between the two below for each request.</summary>
    public const string Dashboard = "Dashboard";

    /// <summary>Browsers: a cookie set by <c>/login?t=TOKEN</c>.</summary>
    public const string Cookie = "DashboardCookie";

    /// <summary>Scripts and tests: <c>Authorization: Bearer TOKEN</c>.</summary>
    public const string Token = "DashboardToken";
}
