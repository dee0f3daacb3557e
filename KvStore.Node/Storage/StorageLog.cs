namespace KvStore.Node.Storage;

internal static partial class StorageLog
{
    [LoggerMessage(EventId = 10, Level = LogLevel.Warning, Message = "{Node} has no DATA_DIR: it keeps its data in memory only, and a restart loses it (a follower is then caught up from the leader; a restarted leader starts a new history)")]
    public static partial void InMemoryOnly(ILogger logger, string node);
}
