using System.CommandLine;
using System.Globalization;
using Microsoft.Extensions.Configuration;

namespace KvStore.LoadRunner.Commands;

/// <summary>Option definitions shared by the commands, with their validation, so every command reads alike.</summary>
internal static class CliOptions
{
    public static Option<string?> Leader() => new("--leader")
    {
        Description = "Any node (the leader is found through a follower's GET /cluster; bench and sweep follow it when it changes): " +
            "a URL (http://127.0.0.1:8000), host:port, or a service name resolved through " +
            "configuration (leader, http://leader: services__leader__http__0). Default: the 'leader' service if configured, " +
            "else http://localhost:8000.",
        HelpName = "url",
    };

    public static Option<int> Count(string name, int defaultValue, string description, int min = 1)
    {
        var option = new Option<int>(name) { Description = description, DefaultValueFactory = _ => defaultValue, HelpName = "n" };
        option.Validators.Add(result =>
        {
            if (result.GetValueOrDefault<int>() < min)
                result.AddError($"{name} must be at least {min} (got {result.GetValueOrDefault<int>()}).");
        });
        return option;
    }

    public static Option<TimeSpan> Duration(string name, TimeSpan defaultValue, string description, bool allowZero = false)
    {
        var option = new Option<TimeSpan>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "duration",
            CustomParser = result =>
            {
                var text = result.Tokens.Count == 1 ? result.Tokens[0].Value : null;
                if (DurationParser.TryParse(text, out var duration) && (duration > TimeSpan.Zero || (allowZero && duration == TimeSpan.Zero)))
                    return duration;
                result.AddError($"{name} must be a {(allowZero ? "non-negative" : "positive")} duration such as 10s, 500ms or 2m (got '{text}').");
                return default;
            },
        };
        return option;
    }

    public static Option<double> Seconds(string name, double defaultValue, string description)
    {
        var option = new Option<double>(name)
        {
            Description = description,
            DefaultValueFactory = _ => defaultValue,
            HelpName = "seconds",
        };
        option.Validators.Add(result =>
        {
            var value = result.GetValueOrDefault<double>();
            if (!double.IsFinite(value) || value < 0)
                result.AddError($"{name} must be a non-negative number of seconds (got {value.ToString(CultureInfo.InvariantCulture)}).");
        });
        return option;
    }

    /// <summary>A number of seconds from configuration (the environment), or <paramref name="fallback"/> when unset or not a number.</summary>
    public static double SecondsSetting(IConfiguration configuration, string key, double fallback) =>
        double.TryParse(configuration[key], NumberStyles.Float, CultureInfo.InvariantCulture, out var seconds) && seconds >= 0 ? seconds : fallback;

    public static Option<DirectoryInfo> Out(string files) => new("--out")
    {
        Description = $"Directory for {files} (created if missing).",
        DefaultValueFactory = _ => new DirectoryInfo("."),
        HelpName = "dir",
    };

    public static Option<int> TraceEvery() => Count("--trace-every", Diagnostics.WriteSampling.DefaultEvery,
        "Trace one write in this many (1: every write, 0: none). The others go out marked not sampled, so nodes that " +
        "follow their caller's sampling decision (OTEL_TRACES_SAMPLER=parentbased_always_on) record nothing for them: " +
        "under a dashboard that ingests every span, tracing each write would slow the run several times over.", min: 0);

    public static Option<TimeSpan> RequestTimeout() =>
        Duration("--request-timeout", TimeSpan.FromSeconds(10), "Give up on a request after this long; it counts as a 'timeout' error.");

    public static Option<TimeSpan> Settle(TimeSpan defaultValue, string description) =>
        Duration("--settle", defaultValue, description, allowZero: true);
}
