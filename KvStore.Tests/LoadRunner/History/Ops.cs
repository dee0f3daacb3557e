using KvStore.LoadRunner.History;

namespace KvStore.Tests.LoadRunner.History;

/// <summary>Terse builders for hand-written histories on one key; times are arbitrary ticks.</summary>
internal static class Ops
{
    private static int _id;

    public static HistoryOp Write(long invoke, long complete, string value, long version, int client = 0) =>
        new(Next(), client, "k", OpKind.Write, invoke, complete, OpOutcome.Ok, value, Version: version);

    public static HistoryOp TimedOutWrite(long invoke, string value, long? version = null, int client = 0) =>
        new(Next(), client, "k", OpKind.Write, invoke, invoke + 1, OpOutcome.Unknown, value, Version: version);

    public static HistoryOp Cas(long invoke, long complete, long expected, string value, long version, int client = 0) =>
        new(Next(), client, "k", OpKind.Cas, invoke, complete, OpOutcome.Ok, value, expected, version);

    public static HistoryOp CasMismatch(long invoke, long complete, long expected, long current, int client = 0) =>
        new(Next(), client, "k", OpKind.Cas, invoke, complete, OpOutcome.Mismatch, "unused", expected, current);

    public static HistoryOp Read(long invoke, long complete, string? value, long version, int client = 0) =>
        new(Next(), client, "k", OpKind.Read, invoke, complete, OpOutcome.Ok, value, Version: version);

    public static Verdict Check(params HistoryOp[] ops) => Linearizability.Check(ops, RegisterState.Absent);

    private static int Next() => Interlocked.Increment(ref _id);
}
