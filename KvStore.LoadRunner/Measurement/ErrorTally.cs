namespace KvStore.LoadRunner.Measurement;

/// <summary>Failed requests counted by their problem <c>code</c> (or a transport failure's name).</summary>
internal sealed class ErrorTally
{
    private readonly Dictionary<string, long> _byCode = new(StringComparer.Ordinal);

    public long Total { get; private set; }

    public IReadOnlyDictionary<string, long> ByCode => _byCode;

    public void Record(string code)
    {
        _byCode[code] = _byCode.GetValueOrDefault(code) + 1;
        Total++;
    }

    public void Add(ErrorTally other)
    {
        ArgumentNullException.ThrowIfNull(other);
        foreach (var (code, count) in other._byCode)
            _byCode[code] = _byCode.GetValueOrDefault(code) + count;
        Total += other.Total;
    }

    /// <summary>A copy in code order, so reports list the same codes in the same place run after run.</summary>
    public SortedDictionary<string, long> ToSorted() => new(_byCode, StringComparer.Ordinal);
}
