using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace KvStore.Tests.Infrastructure;

/// <summary>A logger provider that keeps every event of the host it is added to, for tests that look for one by its EventId.</summary>
public sealed class CapturedLogs : ILoggerProvider
{
    private readonly ConcurrentQueue<CapturedLog> _events = new();

    public IReadOnlyCollection<CapturedLog> Events => _events;

    public IEnumerable<CapturedLog> For(string category, int eventId) =>
        _events.Where(e => e.Category == category && e.EventId.Id == eventId);

    public ILogger CreateLogger(string categoryName) => new Logger(categoryName, _events);

    public void Dispose()
    {
    }

    private sealed class Logger(string category, ConcurrentQueue<CapturedLog> events) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel >= LogLevel.Information;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            if (IsEnabled(logLevel))
                events.Enqueue(new CapturedLog(category, logLevel, eventId, formatter(state, exception)));
        }
    }
}

public sealed record CapturedLog(string Category, LogLevel Level, EventId EventId, string Message);
