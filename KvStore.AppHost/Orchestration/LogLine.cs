namespace KvStore.AppHost.Orchestration;

/// <summary>One line a resource wrote (or the orchestrator wrote about it); <see cref="Sequence"/> increases by one per line, per resource.</summary>
public sealed record LogLine(long Sequence, DateTimeOffset Time, LogSource Source, string Text);
