namespace KvStore.Node.Leader;

/// <summary>
/// One stream's frames that the follower has not yet applied, in index order: the sender adds, the acknowledgement
/// loop removes. Held frames stay until applied, since holding is not applying: they still count against the bound.
/// </summary>
internal sealed class FramesInFlight
{
    private readonly Lock _gate = new();
    private readonly Queue<SentFrame> _frames = new();

    public int Count
    {
        get { lock (_gate) return _frames.Count; }
    }

    public void Add(SentFrame frame)
    {
        lock (_gate)
            _frames.Enqueue(frame);
    }

    public SentFrame? Oldest()
    {
        lock (_gate)
            return _frames.TryPeek(out var frame) ? frame : null;
    }

    /// <summary>Moves every frame up to <paramref name="appliedIndex"/> into <paramref name="applied"/>, oldest first.</summary>
    public void RemoveUpTo(long appliedIndex, List<SentFrame> applied)
    {
        lock (_gate)
        {
            while (_frames.TryPeek(out var frame) && frame.LastIndex <= appliedIndex)
                applied.Add(_frames.Dequeue());
        }
    }

    /// <summary>Adds to <paramref name="held"/> each frame wholly inside <paramref name="first"/>..<paramref name="last"/>; they stay in flight.</summary>
    public void FindWithin(long first, long last, List<SentFrame> held)
    {
        lock (_gate)
        {
            foreach (var frame in _frames)
            {
                if (frame.FirstIndex >= first && frame.LastIndex <= last)
                    held.Add(frame);
            }
        }
    }

    /// <summary>Takes every frame left: the stream ended.</summary>
    public SentFrame[] Drain()
    {
        lock (_gate)
        {
            var left = _frames.ToArray();
            _frames.Clear();
            return left;
        }
    }
}
