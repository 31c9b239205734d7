using System.Collections.Concurrent;
using AgbCode.Engine;

namespace AgbCode.Server.Ops;

/// <summary>
/// Writes the engine's failure reports (spare sessions, background removals) to the server's log. The engine is made
/// before the host is built, so reports that come before the log exists wait for it.
/// </summary>
public sealed class EngineLogBridge
{
    private readonly ConcurrentQueue<(string What, Exception Error)> _early = new();
    private volatile ILogger? _logger;

    public EngineLogBridge() => Log = new EngineLog(Report);

    public EngineLog Log { get; }

    public void Attach(ILoggerFactory factory)
    {
        _logger = factory.CreateLogger("AgbCode.Engine");
        while (_early.TryDequeue(out var report))
            Write(_logger, report.What, report.Error);
    }

    private void Report(string what, Exception error)
    {
        if (_logger is { } logger)
            Write(logger, what, error);
        else
            _early.Enqueue((what, error));
    }

    private static void Write(ILogger logger, string what, Exception error) =>
        logger.LogWarning(error, "Engine: {What} failed: {Error}", what, error.Message);
}
