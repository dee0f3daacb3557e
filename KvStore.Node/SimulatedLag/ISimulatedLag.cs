namespace KvStore.Node.SimulatedLag;

/// <summary>The simulated network lag paid before each replication message (the reference labs' MIN_DELAY/MAX_DELAY).</summary>
public interface ISimulatedLag
{
    /// <summary>False when lag is off (every draw is zero).</summary>
    bool Enabled { get; }

    /// <summary>Draws the lag for one message; zero when lag is off.</summary>
    TimeSpan Draw();

    /// <summary>Waits out <paramref name="lag"/> on <paramref name="link"/> (one per follower: links do not delay each other).</summary>
    Task DelayAsync(TimeSpan lag, int link, CancellationToken cancellationToken);
}
