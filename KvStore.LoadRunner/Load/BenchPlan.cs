namespace KvStore.LoadRunner.Load;

/// <summary>
/// What <c>bench</c> runs: <see cref="Clients"/> concurrent clients writing at <see cref="Quorum"/> for
/// <see cref="Duration"/>, either as fast as each can (closed loop) or, with a <see cref="Rate"/>, on a fixed schedule.
/// </summary>
internal sealed record BenchPlan(int Clients, int Quorum, TimeSpan Duration, double? Rate, KeySpace Keys)
{
    public bool IsOpenLoop => Rate is not null;
}
