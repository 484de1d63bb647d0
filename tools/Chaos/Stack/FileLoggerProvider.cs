using Microsoft.Extensions.Logging;

namespace Outbound.Chaos.Stack;

/// <summary>
/// The log of an in-process host (a gateway, the fake) in a file of its own: two gateways whose cluster goes through
/// crashes and stalls would otherwise flood the runner's console.
/// </summary>
public sealed class FileLoggerProvider(string path) : ILoggerProvider
{
    private readonly TextWriter _writer = TextWriter.Synchronized(new StreamWriter(path, append: true) { AutoFlush = true });

    public ILogger CreateLogger(string categoryName) => new FileLogger(categoryName, _writer);

    public void Dispose() => _writer.Dispose();

    private sealed class FileLogger(string category, TextWriter writer) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state)
            where TState : notnull => null;

        public bool IsEnabled(LogLevel logLevel) => logLevel != LogLevel.None;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            try
            {
                writer.WriteLine($"{DateTimeOffset.UtcNow:HH:mm:ss.fff} {logLevel} {category}: {formatter(state, exception)}{(exception is null ? "" : "\n" + exception)}");
            }
            catch (ObjectDisposedException)
            {
                // A late line after the host stopped.
            }
        }
    }
}
