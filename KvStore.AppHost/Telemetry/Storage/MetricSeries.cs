namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>One instrument of one resource with one attribute set: its points over the sliding window.</summary>
internal sealed class MetricSeries(string resource, string name, string unit, string kind, IReadOnlyDictionary<string, object?> attributes)
{
    public string Resource { get; } = resource;

    public string Name { get; } = name;

    public string Unit { get; } = unit;

    /// <summary>gauge, sum or histogram.</summary>
    public string Kind { get; } = kind;

    public IReadOnlyDictionary<string, object?> Attributes { get; } = attributes;

    public List<NumberPoint> Numbers { get; } = [];

    public List<HistogramPoint> Histograms { get; } = [];
}
