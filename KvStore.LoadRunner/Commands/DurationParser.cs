using System.Globalization;

namespace KvStore.LoadRunner.Commands;

/// <summary>Durations as people type them: <c>10s</c>, <c>500ms</c>, <c>2m</c>, <c>1h</c>, <c>1.5</c> (seconds) or <c>00:00:10</c>.</summary>
internal static class DurationParser
{
    private static readonly (string Suffix, double Seconds)[] Units = [("ms", 0.001), ("s", 1), ("m", 60), ("h", 3600)];

    public static bool TryParse(string? text, out TimeSpan duration)
    {
        duration = default;
        if (string.IsNullOrWhiteSpace(text))
            return false;
        text = text.Trim();

        // The longest suffix first, so "ms" is not read as minutes with a trailing "s".
        foreach (var (suffix, seconds) in Units.OrderByDescending(u => u.Suffix.Length))
        {
            if (text.EndsWith(suffix, StringComparison.OrdinalIgnoreCase))
                return TryFromSeconds(text[..^suffix.Length], seconds, out duration);
        }

        if (TryFromSeconds(text, 1, out duration))
            return true;
        return text.Contains(':', StringComparison.Ordinal) &&
            TimeSpan.TryParse(text, CultureInfo.InvariantCulture, out duration) && duration >= TimeSpan.Zero;
    }

    private static bool TryFromSeconds(string number, double unitSeconds, out TimeSpan duration)
    {
        duration = default;
        if (!double.TryParse(number, NumberStyles.AllowDecimalPoint, CultureInfo.InvariantCulture, out var value) ||
            !double.IsFinite(value) || value * unitSeconds > TimeSpan.MaxValue.TotalSeconds)
        {
            return false;
        }

        duration = TimeSpan.FromSeconds(value * unitSeconds);
        return true;
    }
}
