using System.Collections.Concurrent;
using Microsoft.Extensions.Logging;

namespace AgbCode.Server.Tests.Support;

/// <summary>Keeps every log entry the server writes (message, structured values, scopes, exception) as text.</summary>
public sealed class LogCapture : ILoggerProvider, ISupportExternalScope
{
    private IExternalScopeProvider _scopes = new LoggerExternalScopeProvider();

    public ConcurrentQueue<string> Entries { get; } = new();

    public ILogger CreateLogger(string categoryName) => new Logger(this, categoryName);

    public void SetScopeProvider(IExternalScopeProvider scopeProvider) => _scopes = scopeProvider;

    public void Dispose() { }

    public string All => string.Join("\n", Entries);

    private sealed class Logger(LogCapture owner, string category) : ILogger
    {
        public IDisposable? BeginScope<TState>(TState state) where TState : notnull => owner._scopes.Push(state);

        public bool IsEnabled(LogLevel logLevel) => true;

        public void Log<TState>(LogLevel logLevel, EventId eventId, TState state, Exception? exception, Func<TState, Exception?, string> formatter)
        {
            var text = new System.Text.StringBuilder($"{logLevel} {category}: {formatter(state, exception)}");
            if (state is IEnumerable<KeyValuePair<string, object?>> values)
                foreach (var (name, value) in values)
                    text.Append($" {name}={value}");
            owner._scopes.ForEachScope((scope, builder) =>
            {
                if (scope is IEnumerable<KeyValuePair<string, object?>> pairs)
                    foreach (var (name, value) in pairs)
                        builder.Append($" [{name}={value}]");
                else
                    builder.Append($" [{scope}]");
            }, text);
            if (exception is not null)
                text.Append(' ').Append(exception);
            owner.Entries.Enqueue(text.ToString());
        }
    }
}
