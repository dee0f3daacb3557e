namespace KvStore.LoadRunner.History;

/// <summary>
/// A read on a follower with <c>min_version</c> = the newest version this client's own writes to the key were
/// acknowledged at. <see cref="Error"/> is set when it returned nothing (<c>stale_read</c>, a timeout, ...);
/// <see cref="Version"/> 0 means not found.
/// </summary>
internal sealed record FollowerRead(
    int Id, int Client, string Key, string Follower, long MinVersion, long Invoke, long Complete,
    string? Value, long Version, string? Error = null)
{
    public override string ToString() =>
        $"#{Id} client {Client} [{Invoke}, {Complete}] read on {Follower} min_version {MinVersion} -> " +
        (Error ?? (Version == 0 ? "not found" : $"{Value} @ {Version}"));
}
