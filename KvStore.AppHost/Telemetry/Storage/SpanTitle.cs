namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// What the pages call a span. Without the instrumentation packages, ASP.NET Core and HttpClient name their spans after
/// the activity ("Microsoft.AspNetCore.Hosting.HttpRequestIn"); "POST /write" says more when the span's tags tell it.
/// </summary>
internal static class SpanTitle
{
    public static string Of(string name, IReadOnlyDictionary<string, object?> attributes)
    {
        var method = attributes.GetValueOrDefault("http.request.method") ?? attributes.GetValueOrDefault("http.method");
        if (method is not string verb || !(name.StartsWith("Microsoft.AspNetCore.", StringComparison.Ordinal)
                                           || name.StartsWith("System.Net.Http.", StringComparison.Ordinal) || name == verb))
            return name;
        var target = attributes.GetValueOrDefault("http.route") ?? attributes.GetValueOrDefault("url.path") ?? attributes.GetValueOrDefault("url.full");
        return target is string path ? $"{verb} {path}" : verb;
    }
}
