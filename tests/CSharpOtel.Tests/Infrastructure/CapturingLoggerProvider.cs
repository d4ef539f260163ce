using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace CSharpOtel.Tests.Infrastructure;

/// <summary>Keeps every log entry written through it, for assertions on exact warning text.</summary>
public sealed class CapturingLoggerProvider : ILoggerProvider
{
    public ConcurrentQueue<(string Category, LogLevel Level, string Message)> Entries { get; } = new();

    public IReadOnlyList<string> Warnings(string category)
        => Entries.Where(e => e.Level == LogLevel.Warning && e.Category == category).Select(e => e.Message).ToList();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void Dispose()
    {
    }

    private sealed class Logger(CapturingLoggerProvider provider, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
            => provider.Entries.Enqueue((category, logLevel, formatter(state, exception)));
    }
}
