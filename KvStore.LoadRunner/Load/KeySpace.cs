using System.Globalization;

namespace KvStore.LoadRunner.Load;

/// <summary>The keys a run writes, <c>prefix-0</c> … <c>prefix-(n−1)</c>, formatted once up front.</summary>
internal sealed class KeySpace
{
    private readonly string[] _keys;

    public KeySpace(string prefix, int count)
    {
        ArgumentOutOfRangeException.ThrowIfLessThan(count, 1);
        _keys = new string[count];
        for (var i = 0; i < count; i++)
            _keys[i] = string.Create(CultureInfo.InvariantCulture, $"{prefix}-{i}");
    }

    public int Count => _keys.Length;

    /// <summary>The n-th write's key: consecutive writes cycle through the whole space.</summary>
    public string this[long n] => _keys[(int)(n % _keys.Length)];
}
