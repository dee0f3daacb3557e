namespace KvStore.LoadRunner.Measurement;

/// <summary>
/// The theoretical floor of write latency under the cluster's simulated lag. Each follower's replication message
/// waits uniform(min, max); a write at quorum k returns when the k-th fastest of the n followers has it, and the
/// expected k-th smallest of n uniform samples is min + (max − min)·k/(n + 1). No real write can beat it on average,
/// so a measured mean below it means the lag settings given here are not the cluster's.
/// </summary>
internal readonly record struct LagFloor(double MinDelaySeconds, double MaxDelaySeconds, int Followers)
{
    public double FloorMs(int quorum)
    {
        if (quorum <= 0)
            return 0;
        var kthFastest = MinDelaySeconds + (MaxDelaySeconds - MinDelaySeconds) * quorum / (Followers + 1);
        return kthFastest * 1000.0;
    }
}
