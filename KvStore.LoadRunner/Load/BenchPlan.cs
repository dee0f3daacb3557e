namespace KvStore.LoadRunner.Load;

/// <summary>
/// What <c>bench</c> runs: <see cref="Clients"/> concurrent clients writing at <see cref="Quorum"/> for
/// <see cref="Duration"/>, either as fast as each can (closed loop) or, with a <see cref="Rate"/>, on a fixed schedule.
/// With <see cref="Reads"/>, that share of the requests are reads instead, spread over its nodes.
/// </summary>
internal sealed record BenchPlan(int Clients, int Quorum, TimeSpan Duration, double? Rate, KeySpace Keys, BenchReads? Reads = null)
{
    public bool IsOpenLoop => Rate is not null;

    public double ReadRatio => Reads?.Ratio ?? 0;
}

/// <summary>
/// The reads of a bench: <see cref="Ratio"/> of all requests (1 for reads only), each a <c>GET /read</c> of one of the
/// plan's keys on the next of <see cref="Nodes"/> in turn. <see cref="On"/> names the set (leader, followers, all).
/// </summary>
internal sealed record BenchReads(double Ratio, string On, IReadOnlyList<Uri> Nodes);
