using System.Text;

namespace KvStore.Node.Explorer;

/// <summary>
/// The start of a stored value (UTF-8 JSON text) for display. Only the bytes that can hold the first
/// <c>maxChars</c> characters are decoded, so a 1 MiB value costs as much to preview as a short one.
/// </summary>
public static class ValuePreview
{
    // UTF-8 needs at most 4 bytes for a character, and those 4 bytes make at most 2 UTF-16 chars.
    private const int MaxBytesPerChar = 4;

    public static (string Text, bool Truncated) Of(ReadOnlySpan<byte> utf8, int maxChars)
    {
        var window = Math.Min(utf8.Length, maxChars * MaxBytesPerChar);
        var text = Encoding.UTF8.GetString(utf8[..window]);
        if (text.Length <= maxChars && window == utf8.Length)
            return (text, false);

        // The window may end inside a character (decoded as U+FFFD), but that lies past maxChars.
        var cut = Math.Min(maxChars, text.Length);
        if (cut > 0 && char.IsHighSurrogate(text[cut - 1]))
            cut--;
        return (text[..cut], true);
    }
}
