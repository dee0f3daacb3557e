using System.Globalization;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// FSYNC: when the write-ahead log forces its writes to disk.
/// <list type="bullet">
/// <item><c>always</c> (default): before anything is acknowledged. Survives power loss. One fsync serves every write that arrived meanwhile (group commit).</item>
/// <item>an interval (<c>100ms</c>, <c>1s</c>): at most that often. Survives a process crash; power loss can lose the last interval of acknowledged writes.</item>
/// <item><c>never</c>: the OS decides. Survives a process crash; power loss can lose any amount.</item>
/// </list>
/// </summary>
public readonly record struct FsyncPolicy(FsyncMode Mode, TimeSpan Interval)
{
    public static FsyncPolicy Always => new(FsyncMode.Always, TimeSpan.Zero);

    public static bool TryParse(string? text, out FsyncPolicy policy)
    {
        text = text?.Trim().ToLowerInvariant();
        policy = Always;
        if (string.IsNullOrEmpty(text) || text == "always")
            return true;
        if (text == "never")
        {
            policy = new FsyncPolicy(FsyncMode.Never, TimeSpan.Zero);
            return true;
        }

        var (number, scale) = text.EndsWith("ms", StringComparison.Ordinal) ? (text[..^2], 0.001)
            : text.EndsWith('s') ? (text[..^1], 1.0)
            : (text, 1.0);
        if (double.TryParse(number, NumberStyles.Float, CultureInfo.InvariantCulture, out var value) && value > 0)
        {
            policy = new FsyncPolicy(FsyncMode.Interval, TimeSpan.FromSeconds(value * scale));
            return true;
        }

        return false;
    }

    public override string ToString() => Mode switch
    {
        FsyncMode.Always => "always",
        FsyncMode.Never => "never",
        _ => $"every {Interval.TotalMilliseconds:0.#} ms",
    };
}

public enum FsyncMode
{
    Always,
    Interval,
    Never,
}
