namespace KvStore.Node.Failover;

/// <summary>
/// The epoch this leader leads. Invariant: once any node answers with a newer epoch (a follower refusing its stream, a
/// candidate fencing it), <see cref="Deposed"/> is true for good, durably (the epoch store remembers), and the leader
/// takes no new write: a newer leader may already be taking writes, and two leaders appending would give one index two
/// entries. A leader stepping down also takes no new write, so the follower it hands over to can be fully caught up.
/// Under FAILOVER=etcd the term also ends, for good, once its <see cref="LeaderLease"/> is no longer valid: a leader
/// that cannot prove it still holds the etcd leader key takes no new write either.
/// </summary>
public sealed partial class LeaderTerm : IDisposable
{
    private readonly EpochStore _epochs;
    private readonly ILogger<LeaderTerm> _logger;
    private readonly CancellationTokenSource _deposed = new();
    private volatile bool _steppingDown;
    private volatile bool _resigned;
    private LeaderLease? _lease;

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

    public bool Deposed => _steppingDown || _resigned || _epochs.Current > Epoch || _lease is { Valid: false };

    /// <summary>FAILOVER=etcd: this term lasts only while <paramref name="lease"/> is valid. Set before the term takes its first write.</summary>
    public void HoldWhile(LeaderLease lease) => _lease = lease;

    /// <summary>Cancelled once a newer epoch is observed: whoever owns this term hands the node over to following.</summary>
    public CancellationToken DeposedToken => _deposed.Token;

    public string History => EpochHistory.Format(_epochs.History);

    /// <summary>Takes no new write from now on (POST /admin/step-down), or again (the handover failed).</summary>
    public void PauseWrites(bool paused) => _steppingDown = paused;

    /// <summary>Another node knows of <paramref name="epoch"/>: if it is newer than this leadership, this leader is deposed.</summary>
    public void Observe(long epoch)
    {
        if (epoch <= Epoch)
            return;
        _epochs.Adopt(epoch);
        if (_deposed.IsCancellationRequested)
            return;
        LogDeposed(_logger, Epoch, epoch);
        try
        {
            _deposed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    /// <summary>Ends this term without a newer epoch (its etcd lease was lost): no more writes, and the owner turns it into a follower.</summary>
    public void Resign()
    {
        _resigned = true;
        try
        {
            _deposed.Cancel();
        }
        catch (ObjectDisposedException)
        {
        }
    }

    public void Dispose() => _deposed.Dispose();

    [LoggerMessage(EventId = 51, Level = LogLevel.Warning, Message = "Deposed: this node led epoch {Epoch}, another knows epoch {Newer}; no more writes are taken here")]
    private static partial void LogDeposed(ILogger logger, long epoch, long newer);
}
