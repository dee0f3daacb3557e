using KvStore.Node.Configuration;
using Microsoft.Extensions.Options;

namespace KvStore.Node.Storage.Durability;

/// <summary>
/// Keeps disk use and restart time bounded: every SNAPSHOT_EVERY entries, snapshots the state in the
/// background and lets the write-ahead log drop the segments the snapshot covers.
/// </summary>
public sealed partial class LogCompactor(
    IReplicationLog log, KeyValueState state, IOptions<NodeOptions> options, TimeProvider time, ILogger<LogCompactor> logger)
    : BackgroundService
{
    private static readonly TimeSpan CheckEvery = TimeSpan.FromMilliseconds(500);

    protected override async Task ExecuteAsync(CancellationToken stoppingToken)
    {
        if (log is not WriteAheadLog wal)
            return;

        var every = options.Value.SnapshotEvery;
        using var timer = new PeriodicTimer(CheckEvery, time);
        while (await timer.WaitForNextTickAsync(stoppingToken))
        {
            if (wal.LogId == Guid.Empty || wal.DurableIndex - wal.SnapshotIndex < every)
                continue;
            try
            {
                await wal.CompactAsync(state.Snapshot(), stoppingToken);
            }
            catch (IOException e)
            {
                LogCompactionFailed(logger, e);
            }
        }
    }

    [LoggerMessage(EventId = 15, Level = LogLevel.Error, Message = "Snapshot failed; the log keeps growing until the next attempt")]
    private static partial void LogCompactionFailed(ILogger logger, Exception error);
}
