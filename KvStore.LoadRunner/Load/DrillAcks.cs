using KvStore.LoadRunner.Cluster;

namespace KvStore.LoadRunner.Load;

/// <summary>
/// The drill's acknowledged writes in arrival order, each with the leadership (node and epoch) that answered it, and
/// the newest epoch each node acknowledged in. Waiting for a new leadership after a fault looks only at what arrived
/// since its previous look (<see cref="Since"/>), instead of every acknowledgement of the drill so far on every poll,
/// which grew with the drill and took CPU from the very nodes electing a leader. Written by every client task.
/// </summary>
internal sealed class DrillAcks
{
    private readonly Lock _gate = new();
    private readonly List<(long At, KnownLeader Leader)> _acks = [];
    private readonly Dictionary<Uri, long> _newestEpoch = [];

    /// <summary>Records an acknowledgement at <paramref name="at"/> (a Stopwatch timestamp) from <paramref name="leader"/>.</summary>
    public void Add(long at, KnownLeader leader)
    {
        lock (_gate)
        {
            _acks.Add((at, leader));
            if (leader.Epoch > _newestEpoch.GetValueOrDefault(leader.Url))
                _newestEpoch[leader.Url] = leader.Epoch;
        }
    }

    /// <summary>The newest epoch <paramref name="url"/> acknowledged a write in; 0 when it acknowledged none.</summary>
    public long NewestEpoch(Uri url)
    {
        lock (_gate)
            return _newestEpoch.GetValueOrDefault(url);
    }

    /// <summary>A reader of the acknowledgements later than <paramref name="after"/> (a Stopwatch timestamp).</summary>
    public Reader Since(long after) => new(this, after);

    internal sealed class Reader(DrillAcks acks, long after)
    {
        private int _next;
        private (long At, KnownLeader Leader)? _earliest;

        /// <summary>
        /// The earliest acknowledgement later than the reader's start from a leadership <paramref name="matches"/>
        /// accepts, among all recorded so far; null while there is none. Each call reads only what arrived since the
        /// previous one. Timestamps are taken just before the append, so two clients may append a few microseconds out
        /// of order: the earliest is kept across calls, not the first one found.
        /// </summary>
        public (long At, KnownLeader Leader)? Earliest(Func<KnownLeader, bool> matches)
        {
            lock (acks._gate)
            {
                for (; _next < acks._acks.Count; _next++)
                {
                    var ack = acks._acks[_next];
                    if (ack.At > after && matches(ack.Leader) && (_earliest is not { } earliest || ack.At < earliest.At))
                        _earliest = ack;
                }

                return _earliest;
            }
        }
    }
}
