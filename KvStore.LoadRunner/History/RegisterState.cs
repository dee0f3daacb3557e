namespace KvStore.LoadRunner.History;

/// <summary>
/// The sequential specification the history is checked against: one key as a register holding a value and a version,
/// with compare-and-set on the version. Versions are the leader's log indices, so every write that takes effect on a
/// key gets a version above the key's current one. A part of the state the checker has not observed yet (the start
/// of a window, a write that timed out before saying its version) is a wildcard that the first observation binds.
/// </summary>
internal readonly record struct RegisterState(string? Value, bool ValueKnown, long Version)
{
    public const long UnknownVersion = -1;

    /// <summary>The key does not exist: what a history starting from an unused key begins with.</summary>
    public static RegisterState Absent => new(null, true, 0);

    /// <summary>Any state: a window cut out of the middle of a history begins here.</summary>
    public static RegisterState Unknown => new(null, false, UnknownVersion);

    private bool VersionKnown => Version != UnknownVersion;

    /// <summary>The states <paramref name="op"/> can leave this one in; none when it cannot be applied here.</summary>
    public IEnumerable<RegisterState> Step(HistoryOp op)
    {
        ArgumentNullException.ThrowIfNull(op);
        switch (op.Kind, op.Outcome)
        {
            case (OpKind.Read, _):
                var version = op.Version ?? 0;
                if ((!ValueKnown || Value == op.Value) && (!VersionKnown || Version == version))
                    yield return new RegisterState(op.Value, true, version);
                break;

            case (OpKind.Write, OpOutcome.Ok):
                if (CanTakeVersion(op.Version))
                    yield return new RegisterState(op.Value, true, op.Version!.Value);
                break;

            case (OpKind.Cas, OpOutcome.Ok):
                if (Matches(op.Expected) && CanTakeVersion(op.Version) && op.Version > op.Expected)
                    yield return new RegisterState(op.Value, true, op.Version!.Value);
                break;

            case (OpKind.Cas, OpOutcome.Mismatch):
                // Not applied; the node said which version the key was at, which is not the one expected.
                if (op.Version != op.Expected && (!VersionKnown || Version == op.Version))
                    yield return this with { Version = op.Version ?? UnknownVersion };
                break;

            case (_, OpOutcome.Unknown):
                // May never have happened ...
                yield return this;
                // ... or happened, with the version the node named or one not known yet.
                if ((op.Kind == OpKind.Write || Matches(op.Expected)) && (op.Version is null || CanTakeVersion(op.Version)))
                    yield return new RegisterState(op.Value, true, op.Version ?? UnknownVersion);
                break;
        }
    }

    private bool Matches(long? expected) => !VersionKnown || Version == expected;

    private bool CanTakeVersion(long? version) => version is { } v && v > 0 && (!VersionKnown || v > Version);

    public override string ToString() =>
        $"{(ValueKnown ? Value ?? "(absent)" : "?")} @ {(VersionKnown ? Version.ToString(System.Globalization.CultureInfo.InvariantCulture) : "?")}";
}
