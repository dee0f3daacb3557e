using CsCheck;
using KvStore.LoadRunner.History;

namespace KvStore.Tests.LoadRunner.History;

/// <summary>
/// Histories made from a sequential execution of a real register: each op takes effect at its own point in time and
/// gets a random invoke before and complete after that point, so ops overlap as concurrent clients' do.
/// </summary>
public sealed class LinearizabilityPropertyTests
{
    // Per step: kind (0 write, 1 cas, 2 read), how long before and after its point it was invoked and completed,
    // the gap to the next version (other keys' writes take log indices too), and a choice for outcomes.
    private static readonly Gen<(int Kind, int Before, int After, int Gap, int Choice)[]> Steps =
        Gen.Select(Gen.Int[0, 2], Gen.Int[0, 30], Gen.Int[0, 30], Gen.Int[1, 3], Gen.Int[0, 9]).Array[1, 40];

    [Fact]
    public void Histories_of_a_real_register_are_always_accepted() =>
        Steps.Sample(steps =>
        {
            var history = Execute(steps);
            return Linearizability.Check(history, RegisterState.Absent) == Verdict.Linearizable;
        });

    [Fact]
    public void A_read_returning_a_never_written_value_is_always_rejected() =>
        Gen.Select(Steps, Gen.Int[0, 1000]).Sample((steps, pick) =>
        {
            var history = Execute(steps);
            var reads = history.Where(o => o.Kind == OpKind.Read).ToArray();
            var mutated = reads[pick % reads.Length];
            var index = history.IndexOf(mutated);
            history[index] = mutated with { Value = "never-written" };
            return Linearizability.Check(history, RegisterState.Absent) == Verdict.Violation;
        });

    /// <summary>Runs the steps on a register in order; step k takes effect at time 10k. Always ends with a read.</summary>
    private static List<HistoryOp> Execute((int Kind, int Before, int After, int Gap, int Choice)[] steps)
    {
        string? value = null;
        long version = 0, nextVersion = 0;
        var history = new List<HistoryOp>();
        foreach (var (kind, before, after, gap, choice) in steps.Append((2, 5, 5, 1, 0)))
        {
            var point = 10L * (history.Count + 1);
            var (invoke, complete) = (point - before, point + after);
            var id = history.Count;
            nextVersion += gap;
            switch (kind)
            {
                case 0 when choice < 2:
                    // Timed out: it happened (choice 0) or not (1); the client never learnt its version.
                    if (choice == 0)
                        (value, version) = ($"w{id}", nextVersion);
                    history.Add(new HistoryOp(id, id % 4, "k", OpKind.Write, invoke, complete, OpOutcome.Unknown, $"w{id}"));
                    break;
                case 0:
                    (value, version) = ($"w{id}", nextVersion);
                    history.Add(new HistoryOp(id, id % 4, "k", OpKind.Write, invoke, complete, OpOutcome.Ok, value, Version: version));
                    break;
                case 1 when choice % 2 == 0:
                    var expected = version;
                    (value, version) = ($"c{id}", nextVersion);
                    history.Add(new HistoryOp(id, id % 4, "k", OpKind.Cas, invoke, complete, OpOutcome.Ok, value, expected, version));
                    break;
                case 1:
                    history.Add(new HistoryOp(id, id % 4, "k", OpKind.Cas, invoke, complete, OpOutcome.Mismatch, $"c{id}", version + 1 + choice, version));
                    break;
                default:
                    history.Add(new HistoryOp(id, id % 4, "k", OpKind.Read, invoke, complete, OpOutcome.Ok, value, Version: version));
                    break;
            }
        }

        return history;
    }
}
