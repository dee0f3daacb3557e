namespace KvStore.AppHost.Orchestration;

/// <summary>What a start, stop or restart request came to; <see cref="Resource"/> is the resource afterwards.</summary>
public sealed record ResourceCommandResult(ResourceCommandOutcome Outcome, ResourceSnapshot? Resource, string? Error = null);

public enum ResourceCommandOutcome
{
    Done,
    NotFound,

    /// <summary>The request does not fit the resource's state (starting one that runs).</summary>
    Conflict,

    /// <summary>The resource could not be started; <see cref="ResourceCommandResult.Error"/> says why.</summary>
    Failed,
}
