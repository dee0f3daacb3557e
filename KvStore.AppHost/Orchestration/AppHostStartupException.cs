namespace KvStore.AppHost.Orchestration;

/// <summary>The AppHost cannot start as configured; the message is the one line shown to the user.</summary>
public sealed class AppHostStartupException(string message) : Exception(message);
