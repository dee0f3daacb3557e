namespace KvStore.Node.Api;

/// <summary>The stable <c>code</c> member of every problem+json answer. Clients branch on these; never rename one.</summary>
public static class ErrorCodes
{
    public const string NotFound = "not_found";
    public const string NotLeader = "not_leader";
    public const string NotFollower = "not_follower";
    public const string MissingKey = "missing_key";
    public const string InvalidKey = "invalid_key";
    public const string KeyTooLong = "key_too_long";
    public const string MissingValue = "missing_value";
    public const string ValueTooLarge = "value_too_large";
    public const string InvalidJson = "invalid_json";
    public const string InvalidBody = "invalid_body";
    public const string UnsupportedMediaType = "unsupported_media_type";
    public const string InvalidQuorum = "invalid_quorum";
    public const string InvalidMinVersion = "invalid_min_version";
    public const string InvalidIfMatch = "invalid_if_match";
    public const string VersionMismatch = "version_mismatch";
    public const string QuorumTimeout = "quorum_timeout";
    public const string StaleRead = "stale_read";
    public const string Unauthorized = "unauthorized";
    public const string InvalidBatch = "invalid_batch";
    public const string MissingLogId = "missing_log_id";
    public const string LogGap = "log_gap";
    public const string InvalidLimit = "invalid_limit";
    public const string LeaderUnreachable = "leader_unreachable";
    public const string InternalError = "internal_error";
    public const string StaleEpoch = "stale_epoch";
    public const string NoLeader = "no_leader";
}
