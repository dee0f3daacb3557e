using System.Text.Json;
using Microsoft.Extensions.Options;

namespace KvStore.AppHost.Telemetry.Storage;

/// <summary>
/// Metric points per resource, instrument and attribute set, over a sliding window (by the points' own time) and
/// capped per series. Readers get copies, so the charts' computations run outside the lock.
/// </summary>
internal sealed class MetricStore(IOptions<TelemetryStorageOptions> options)
{
    private readonly Lock _lock = new();
    private readonly Dictionary<string, MetricSeries> _series = new(StringComparer.Ordinal);
    private readonly TelemetryStorageOptions _options = options.Value;

    public void AddNumber(string resource, string name, string unit, string kind, IReadOnlyDictionary<string, object?> attributes, NumberPoint point)
    {
        lock (_lock)
        {
            var series = Series(resource, name, unit, kind, attributes);
            Append(series.Numbers, point, point.TimeUnixNano, p => p.TimeUnixNano);
        }
    }

    public void AddHistogram(string resource, string name, string unit, IReadOnlyDictionary<string, object?> attributes, HistogramPoint point)
    {
        lock (_lock)
        {
            var series = Series(resource, name, unit, "histogram", attributes);
            Append(series.Histograms, point, point.TimeUnixNano, p => p.TimeUnixNano);
        }
    }

    /// <summary>Every stored series of the instrument <paramref name="name"/> (of <paramref name="resource"/> if given), as copies.</summary>
    public IReadOnlyList<MetricSeries> Find(string name, string? resource)
    {
        lock (_lock)
        {
            return [.. _series.Values
                .Where(s => s.Name == name && (resource is null || s.Resource == resource))
                .Select(Copy)];
        }
    }

    /// <summary>The instruments seen: one row per resource and name.</summary>
    public IReadOnlyList<InstrumentSummary> Instruments()
    {
        lock (_lock)
        {
            return [.. _series.Values
                .GroupBy(s => (s.Resource, s.Name))
                .Select(g => new InstrumentSummary(g.Key.Resource, g.Key.Name, g.First().Unit, g.First().Kind, g.Count()))
                .OrderBy(i => i.Name, StringComparer.Ordinal).ThenBy(i => i.Resource, StringComparer.Ordinal)];
        }
    }

    private MetricSeries Series(string resource, string name, string unit, string kind, IReadOnlyDictionary<string, object?> attributes)
    {
        var key = string.Join('\n', resource, name, JsonSerializer.Serialize(attributes.OrderBy(a => a.Key, StringComparer.Ordinal)));
        if (!_series.TryGetValue(key, out var series))
            _series[key] = series = new MetricSeries(resource, name, unit, kind, attributes);
        return series;
    }

    private void Append<T>(List<T> points, T point, ulong time, Func<T, ulong> timeOf)
    {
        // Exporters send points in time order; one that is not (a retry) is dropped rather than sorted in.
        if (points.Count > 0 && timeOf(points[^1]) >= time)
            return;
        points.Add(point);
        var oldest = time - (ulong)Math.Min(_options.MetricWindow.Ticks * TimeSpan.NanosecondsPerTick, (long)time);
        var expired = points.FindIndex(p => timeOf(p) >= oldest);
        var drop = Math.Max(expired < 0 ? points.Count : expired, points.Count - _options.MaxPointsPerSeries);
        if (drop > 0)
            points.RemoveRange(0, drop);
    }

    private static MetricSeries Copy(MetricSeries s)
    {
        var copy = new MetricSeries(s.Resource, s.Name, s.Unit, s.Kind, s.Attributes);
        copy.Numbers.AddRange(s.Numbers);
        copy.Histograms.AddRange(s.Histograms);
        return copy;
    }
}

public sealed record InstrumentSummary(string Resource, string Name, string Unit, string Kind, int Series);
