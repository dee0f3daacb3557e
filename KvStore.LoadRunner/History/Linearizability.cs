namespace KvStore.LoadRunner.History;

internal enum Verdict
{
    Linearizable,
    Violation,

    /// <summary>The search gave up after its budget of configurations: neither proved nor refuted.</summary>
    Inconclusive,
}

/// <summary>
/// Is a single key's history linearizable against <see cref="RegisterState"/>? The Wing–Gong search with Lowe's
/// memoization (as in Knossos and Porcupine): depth first over which op takes effect next, where an op may go next
/// only if no other pending op completed before it was invoked; a configuration (ops taken, register state) that
/// failed once is never explored again. Ops that may not have happened never have to be taken: the history is
/// linearizable once every op with a definite outcome is. Pure: no clock, no I/O.
/// </summary>
internal static class Linearizability
{
    public const int DefaultBudget = 2_000_000;

    public static Verdict Check(IReadOnlyList<HistoryOp> ops, RegisterState initial, int budget = DefaultBudget)
    {
        ArgumentNullException.ThrowIfNull(ops);
        var sorted = ops.OrderBy(o => o.Invoke).ThenBy(o => o.Id).ToArray();
        var definite = sorted.Count(o => o.Outcome != OpOutcome.Unknown);
        var visited = new HashSet<Configuration>();
        var pending = new Stack<Configuration>();
        pending.Push(new Configuration(new ulong[(sorted.Length + 63) / 64], initial, 0));
        while (pending.Count > 0)
        {
            var current = pending.Pop();
            if (current.DefiniteTaken == definite)
                return Verdict.Linearizable;
            if (!visited.Add(current))
                continue;
            if (visited.Count > budget)
                return Verdict.Inconclusive;

            // Every pending op must take effect by its own deadline, so the next one is invoked no later than the earliest.
            var horizon = long.MaxValue;
            for (var i = 0; i < sorted.Length; i++)
            {
                if (!current.Taken(i))
                    horizon = Math.Min(horizon, sorted[i].Deadline);
            }

            // Pushed last first, so the earliest-invoked candidate is explored first.
            var children = new List<Configuration>();
            for (var i = 0; i < sorted.Length && sorted[i].Invoke <= horizon; i++)
            {
                if (current.Taken(i))
                    continue;
                foreach (var next in current.State.Step(sorted[i]))
                    children.Add(current.Take(i, next, sorted[i].Outcome != OpOutcome.Unknown));
            }

            for (var c = children.Count - 1; c >= 0; c--)
                pending.Push(children[c]);
        }

        return Verdict.Violation;
    }

    private sealed class Configuration(ulong[] taken, RegisterState state, int definiteTaken) : IEquatable<Configuration>
    {
        private readonly int _hash = Hash(taken, state);

        public RegisterState State => state;

        public int DefiniteTaken => definiteTaken;

        public bool Taken(int i) => (taken[i >> 6] & (1UL << (i & 63))) != 0;

        public Configuration Take(int i, RegisterState next, bool isDefinite)
        {
            var bits = (ulong[])taken.Clone();
            bits[i >> 6] |= 1UL << (i & 63);
            return new Configuration(bits, next, definiteTaken + (isDefinite ? 1 : 0));
        }

        public bool Equals(Configuration? other) =>
            other is not null && _hash == other._hash && state == other.State && taken.AsSpan().SequenceEqual(other.Bits);

        public override bool Equals(object? obj) => Equals(obj as Configuration);

        public override int GetHashCode() => _hash;

        private ulong[] Bits => taken;

        private static int Hash(ulong[] bits, RegisterState state)
        {
            var hash = new HashCode();
            foreach (var word in bits)
                hash.Add(word);
            hash.Add(state);
            return hash.ToHashCode();
        }
    }
}
