namespace KvStore.Node.Leader;

/// <summary>The simulated network lag paid before each replication message (the seeds' MIN_DELAY/MAX_DELAY).</summary>
public interface ISimulatedLag
{
    /// <summary>Draws the lag for one message; zero when lag is off.</summary>
    TimeSpan Draw();

    Task DelayAsync(TimeSpan lag, CancellationToken cancellationToken);
}
