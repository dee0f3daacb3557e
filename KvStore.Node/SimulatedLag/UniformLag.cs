using System.Collections.Concurrent;
using KvStore.Node.Configuration;
using Microsoft.Extensions.Options;

namespace KvStore.Node.SimulatedLag;

/// <summary>
/// Uniform(MIN_DELAY, MAX_DELAY) lag, drawn independently for every message to every follower. On the real
/// clock it waits with a <see cref="HighResolutionDelay"/> per link, since the lags are fractions of a
/// millisecond and a due frame is written on the timer's thread: one timer for every follower would make
/// each follower's frames wait for the others' writes.
/// </summary>
public sealed class UniformLag(IOptions<NodeOptions> options, TimeProvider time) : ISimulatedLag, IDisposable
{
    private readonly double _min = options.Value.MinDelay;
    private readonly double _max = options.Value.MaxDelay;
    private readonly ConcurrentDictionary<int, HighResolutionDelay> _links = new();

    public bool Enabled => _max > 0;

    public TimeSpan Draw() =>
        _max <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(_min + (Random.Shared.NextDouble() * (_max - _min)));

    public Task DelayAsync(TimeSpan lag, int link, CancellationToken cancellationToken) =>
        lag <= TimeSpan.Zero ? Task.CompletedTask
        : time == TimeProvider.System ? _links.GetOrAdd(link, static _ => new HighResolutionDelay()).DelayAsync(lag, cancellationToken)
        : Task.Delay(lag, time, cancellationToken);

    public void Dispose()
    {
        foreach (var timer in _links.Values)
            timer.Dispose();
    }
}
