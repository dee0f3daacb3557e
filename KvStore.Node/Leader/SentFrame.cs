using System.Diagnostics;

namespace KvStore.Node.Leader;

/// <summary>A frame cut from the log: sent once its lag has passed, done once the follower has applied <see cref="LastIndex"/>.</summary>
internal sealed record SentFrame(ReadOnlyMemory<byte> Bytes, long LastIndex, int Count, long Created, long Due, TimeSpan Lag, Activity? Span)
{
    public long FirstIndex => LastIndex - Count + 1;

    /// <summary>Set (by the acknowledgement loop only) once the follower holds or has applied it.</summary>
    public bool Arrived { get; set; }
}
