using Microsoft.Extensions.Logging;

namespace KvStore.AppHost.Dashboard;

internal static partial class DashboardLog
{
    // Aspire's wording, which scripts and tests look for.
    [LoggerMessage(1, LogLevel.Information, "Login to the dashboard at {LoginUrl}")]
    public static partial void LoginUrl(this ILogger logger, string loginUrl);

    [LoggerMessage(2, LogLevel.Information, "Now listening on: {Url}")]
    public static partial void Listening(this ILogger logger, string url);
}
