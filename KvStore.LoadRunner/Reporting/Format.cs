using System.Globalization;

namespace KvStore.LoadRunner.Reporting;

/// <summary>Number formatting shared by the console, Markdown and SVG, so the three never disagree on a figure.</summary>
internal static class Format
{
    public static string Ms(double ms) => ms.ToString(ms >= 100 ? "0" : ms >= 10 ? "0.0" : "0.00", CultureInfo.InvariantCulture);

    public static string Rate(double perSecond) => perSecond.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Count(long n) => n.ToString("#,0", CultureInfo.InvariantCulture);

    public static string Seconds(double seconds) => seconds.ToString("0.###", CultureInfo.InvariantCulture);

    /// <summary>A lag setting in the unit people configure it in (MIN_DELAY=0.0001) and the one it is felt in.</summary>
    public static string Lag(double seconds) => (seconds * 1000).ToString("0.###", CultureInfo.InvariantCulture) + " ms";

    public static string Matching(int? matching, int followers) =>
        matching is { } m ? $"{m}/{followers}" : "—";

    public static string Settled(bool? consistent, double? afterMs) => consistent switch
    {
        true => afterMs is { } ms ? $"yes ({Ms(ms)} ms)" : "yes",
        false => "NO",
        null => "—",
    };
}
