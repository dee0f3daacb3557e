using Microsoft.Extensions.Configuration;

namespace KvStore.AppHost.Hosting;

/// <summary>Reads the <see cref="AppHostMode"/> from configuration: a publisher means Publish, else <c>AppHost:Mode</c> (default Run).</summary>
public static class AppHostModes
{
    public static AppHostMode From(IConfiguration configuration)
    {
        if (configuration[AppHostArguments.PublisherKey] is { Length: > 0 })
            return AppHostMode.Publish;

        var mode = configuration[AppHostArguments.ModeKey];
        if (string.IsNullOrEmpty(mode))
            return AppHostMode.Run;
        return Enum.TryParse<AppHostMode>(mode, ignoreCase: true, out var parsed) && parsed != AppHostMode.Publish
            ? parsed
            : throw new InvalidOperationException($"{AppHostArguments.ModeKey} must be Run or Dashboard, not '{mode}' (publish with --publisher NAME).");
    }
}
