using AgbCode.Core.Results;

namespace AgbCode.Core.Sessions;

/// <summary>
/// Receives a run's events in order, as they are produced, on a background thread. Implementations must be quick and
/// must not throw.
/// </summary>
public interface IRunObserver
{
    void OnStdout(string text);
    void OnStderr(string text);
    void OnResult(ExecutionResult result);
    void OnError(ExecutionError error);
    /// <summary>Lifecycle news (kernel starting, run id, restart), for verbose logs.</summary>
    void OnDiagnostic(string message) { }
}
