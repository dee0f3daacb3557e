using CsCheck;
using KvStore.Node.Leader.Quorum;

namespace KvStore.Tests.Node;

/// <summary>
/// The quorum arithmetic and its waiters against a naive model: per follower, the set of indices it has. Random
/// sequences of acknowledgements (in and out of order), holds ahead of the log and restarts that lose a follower's state.
/// </summary>
public sealed class QuorumPropertyTests
{
    private const int Followers = 5;
    private const int MaxIndex = 24;

    /// <summary>One step: Kind 0 acknowledges (1 after losing its state), 2 holds First..Last.</summary>
    private readonly record struct Step(int Kind, int Follower, long First, long Last);

    private static readonly Gen<Step> Steps = Gen.Select(Gen.Int[0, 9], Gen.Int[0, Followers - 1], Gen.Long[0, MaxIndex], Gen.Long[0, 4])
        .Select((kind, follower, index, span) => kind switch
        {
            0 => new Step(1, follower, index, index),
            < 5 => new Step(0, follower, index, index),
            _ => new Step(2, follower, Math.Max(1, index), Math.Min(MaxIndex, index + span)),
        });

    [Fact]
    public void Counts_levels_and_holds_match_a_model_of_which_follower_has_which_index()
    {
        Steps.Array[1, 60].Sample(steps =>
        {
            var progress = new QuorumProgress(Followers);
            var model = new Model();
            foreach (var step in steps)
            {
                Apply(progress, step);
                model.Apply(step);

                for (long index = 1; index <= MaxIndex; index++)
                {
                    Assert.Equal(model.Count(index), progress.Count(index));
                    for (var f = 0; f < Followers; f++)
                        Assert.Equal(model.Has(f, index), progress.Has(f, index));
                }

                var levels = new long[Followers];
                progress.KthHighestAcknowledged(levels);
                Assert.Equal(model.Acked.OrderDescending(), levels);
                Assert.Equal(model.Held.Any(h => h.Count > 0), progress.AnyHeld);
            }
        });
    }

    /// <summary>
    /// Every wait completes (true) exactly when, at some point since it began, the model had its index on quorum
    /// followers; none is released early. Catches a lost release (a write timing out with its quorum met) and an early one.
    /// </summary>
    [Fact]
    public async Task A_write_is_released_exactly_when_its_quorum_of_followers_has_it()
    {
        var waits = Gen.Select(Gen.Long[1, MaxIndex], Gen.Int[1, Followers], Gen.Int[0, 59]);
        await Gen.Select(Steps.Array[1, 60], waits.Array[1, 12]).SampleAsync(async (steps, registrations) =>
        {
            var tracker = new QuorumTracker(Followers);
            var model = new Model();
            var pending = new List<(Task<bool> Task, long Index, int Quorum, bool Reached)>();
            using var cancel = new CancellationTokenSource();
            for (var s = 0; s < steps.Length; s++)
            {
                foreach (var (index, quorum, at) in registrations.Where(r => r.Item3 == s))
                    pending.Add((tracker.WaitAsync(index, quorum, TimeSpan.FromMinutes(1), cancel.Token), index, quorum, model.Count(index) >= quorum));

                Apply(tracker, steps[s]);
                model.Apply(steps[s]);
                for (var w = 0; w < pending.Count; w++)
                {
                    if (!pending[w].Reached && model.Count(pending[w].Index) >= pending[w].Quorum)
                        pending[w] = pending[w] with { Reached = true };
                }
            }

            var released = pending.Where(p => p.Reached).Select(p => p.Task).ToArray();
            Assert.All(await Task.WhenAll(released).WaitAsync(TimeSpan.FromSeconds(10)), Assert.True);
            foreach (var (task, index, quorum, _) in pending.Where(p => !p.Reached))
                Assert.False(task.IsCompleted, $"a wait for index {index} at quorum {quorum} completed with only {model.Count(index)} followers having it");
            await cancel.CancelAsync();
        });
    }

    private static void Apply(QuorumProgress progress, Step step)
    {
        if (step.Kind == 2)
            progress.Hold(step.Follower, step.First, step.Last);
        else
            progress.Acknowledge(step.Follower, step.First, replicaLostState: step.Kind == 1);
    }

    private static void Apply(QuorumTracker tracker, Step step)
    {
        if (step.Kind == 2)
            tracker.Hold(step.Follower, step.First, step.Last);
        else
            tracker.Acknowledge(step.Follower, step.First, replicaLostState: step.Kind == 1);
    }

    /// <summary>The naive model: each follower's acknowledged index and the set of indices it holds above it.</summary>
    private sealed class Model
    {
        public long[] Acked { get; } = new long[Followers];

        public HashSet<long>[] Held { get; } = Enumerable.Range(0, Followers).Select(_ => new HashSet<long>()).ToArray();

        public void Apply(Step step)
        {
            var f = step.Follower;
            switch (step.Kind)
            {
                case 1:
                    Acked[f] = step.First;
                    Held[f].Clear();
                    break;
                case 0 when step.First > Acked[f]:
                    Acked[f] = step.First;
                    Held[f].RemoveWhere(i => i <= step.First);
                    break;
                case 2:
                    for (var i = Math.Max(step.First, Acked[f] + 1); i <= step.Last; i++)
                        Held[f].Add(i);
                    break;
            }
        }

        public bool Has(int follower, long index) => Acked[follower] >= index || Held[follower].Contains(index);

        public int Count(long index) => Enumerable.Range(0, Followers).Count(f => Has(f, index));
    }
}
