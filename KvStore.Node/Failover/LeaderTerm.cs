namespace KvStore.Node.Failover;

/// <summary>
/// The epoch this leader leads. Invariant: once any node answers with a newer epoch (a follower refusing its stream),
/// <see cref="Deposed"/> is true for good, durably (the epoch store remembers), and the leader takes no new write: a
/// newer leader may already be taking writes, and two leaders appending would give one index two entries.
/// </summary>
public sealed partial class LeaderTerm
{
    private readonly EpochStore _epochs;
    private readonly ILogger<LeaderTerm> _logger;

    public LeaderTerm(EpochStore epochs, ILogger<LeaderTerm> logger)
    {
        _epochs = epochs;
        _logger = logger;
        // A fixed leader (FAILOVER=off) leads epoch 1 from the start; one restarted after being deposed stays deposed.
        if (epochs.Current == 0)
            epochs.Adopt(1);
        Epoch = epochs.History[^1].Epoch;
    }

    public long Epoch { get; }

    public bool Deposed => _epochs.Current > Epoch;

    public string History => EpochHistory.Format(_epochs.History);

    /// <summary>Another node knows of <paramref name="epoch"/>: if it is newer than this leadership, this leader is deposed.</summary>
    public void Observe(long epoch)
    {
        if (epoch <= Epoch || epoch <= _epochs.Current)
            return;
        _epochs.Adopt(epoch);
        LogDeposed(_logger, Epoch, epoch);
    }

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Deposed: this node led epoch {Epoch}, a follower knows epoch {Newer}; no more writes are taken here")]
    private static partial void LogDeposed(ILogger logger, long epoch, long newer);
}
