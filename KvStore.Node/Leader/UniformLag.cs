using KvStore.Node.Configuration;
using KvStore.Node.Threading;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Leader;

/// <summary>
/// Uniform(MIN_DELAY, MAX_DELAY) lag, drawn independently for every message to every follower. On the real
/// clock it waits with <see cref="HighResolutionDelay"/>, since the lags are fractions of a millisecond.
/// </summary>
public sealed class UniformLag(IOptions<NodeOptions> options, TimeProvider time, HighResolutionDelay precise) : ISimulatedLag
{
    private readonly double _min = options.Value.MinDelay;
    private readonly double _max = options.Value.MaxDelay;

    public TimeSpan Draw() =>
        _max <= 0 ? TimeSpan.Zero : TimeSpan.FromSeconds(_min + (Random.Shared.NextDouble() * (_max - _min)));

    public Task DelayAsync(TimeSpan lag, CancellationToken cancellationToken) =>
        lag <= TimeSpan.Zero ? Task.CompletedTask
        : time == TimeProvider.System ? precise.DelayAsync(lag, cancellationToken)
        : Task.Delay(lag, time, cancellationToken);
}
