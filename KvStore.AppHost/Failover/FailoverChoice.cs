namespace KvStore.AppHost.Failover;

/// <summary>How the AppHost's nodes fail over: the nodes' FAILOVER setting.</summary>
public enum FailoverMode
{
    /// <summary>FAILOVER=off: <c>leader</c> leads for good.</summary>
    Off,

    /// <summary>FAILOVER=manual: every node knows its PEERS; the Promote and Step down commands move leadership.</summary>
    Manual,

    /// <summary>FAILOVER=etcd: as manual, and an election through the <c>etcd</c> resource replaces a leader that is gone (the published default).</summary>
    Etcd,
}

/// <summary>The mode, and the etcd binary when the mode is etcd and the AppHost runs it (a published etcd is an image).</summary>
public sealed record FailoverChoice(FailoverMode Mode, string? EtcdBinary)
{
    /// <summary>What a user does to get automatic failover when etcd was not found.</summary>
    public const string EnableHint = "install etcd (Debian: apt-get install etcd-server, or bash .ci/install-etcd.sh) " +
        "or give its path with --KvStore:Etcd=/path/to/etcd";

    /// <summary>
    /// Pure: <c>KvStore:Failover</c> (off|manual|etcd) wins; unset, etcd when a binary is found (<c>KvStore:Etcd</c>, else
    /// <c>etcd</c> on <paramref name="path"/>), otherwise manual. An explicit etcd without a binary is an error, not a
    /// silent downgrade: the user asked for automatic failover.
    /// </summary>
    public static FailoverChoice Decide(string? configuredMode, string? configuredEtcd, string? path, Func<string, bool> fileExists)
    {
        var binary = !string.IsNullOrWhiteSpace(configuredEtcd)
            ? (fileExists(configuredEtcd) ? configuredEtcd : null)
            : (path ?? "").Split(Path.PathSeparator, StringSplitOptions.RemoveEmptyEntries)
                .Select(dir => Path.Combine(dir, "etcd")).FirstOrDefault(fileExists);

        return Parse(configuredMode) switch
        {
            null => binary is null ? new(FailoverMode.Manual, null) : new(FailoverMode.Etcd, binary),
            FailoverMode.Etcd => binary is not null
                ? new(FailoverMode.Etcd, binary)
                : throw new InvalidOperationException($"KvStore:Failover=etcd but no etcd binary was found ({(string.IsNullOrWhiteSpace(configuredEtcd) ? "none on PATH" : $"'{configuredEtcd}' does not exist")}): {EnableHint}."),
            var mode => new(mode.Value, null),
        };
    }

    /// <summary>
    /// The published model's mode: etcd unless <c>KvStore:Failover</c> says off or manual. It never looks for a binary:
    /// a published deployment runs etcd from its own image, so what the publishing machine has installed changes nothing.
    /// </summary>
    public static FailoverChoice Published(string? configuredMode) => new(Parse(configuredMode) ?? FailoverMode.Etcd, null);

    /// <summary><c>KvStore:Failover</c> as a mode; null when unset.</summary>
    private static FailoverMode? Parse(string? configuredMode) => configuredMode?.Trim().ToLowerInvariant() switch
    {
        null or "" => null,
        "off" => FailoverMode.Off,
        "manual" => FailoverMode.Manual,
        "etcd" => FailoverMode.Etcd,
        _ => throw new InvalidOperationException($"KvStore:Failover must be 'off', 'manual' or 'etcd' (got '{configuredMode}')."),
    };
}
