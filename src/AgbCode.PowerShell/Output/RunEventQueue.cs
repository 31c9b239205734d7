using System.Collections.Concurrent;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Output;

/// <summary>
/// The observer a cmdlet hands to a run: events go into a bounded queue that the pipeline thread drains (Write* is only
/// legal there). A full queue slows the run down rather than growing; cancellation never leaves the producer blocked.
/// </summary>
internal sealed class RunEventQueue(CancellationToken cancellationToken) : IRunObserver, IDisposable
{
    private readonly BlockingCollection<RunEvent> _events = new(boundedCapacity: 1024);

    public void OnStdout(string text) => Add(new RunEvent(RunEventKind.Stdout, text));
    public void OnStderr(string text) => Add(new RunEvent(RunEventKind.Stderr, text));
    public void OnResult(ExecutionResult result) => Add(new RunEvent(RunEventKind.Result, Result: result));
    public void OnError(ExecutionError error) => Add(new RunEvent(RunEventKind.Error, Error: error));
    public void OnDiagnostic(string message) => Add(new RunEvent(RunEventKind.Diagnostic, message));

    public void Complete() => _events.CompleteAdding();

    /// <summary>
    /// Events until the producer completes or the token is cancelled; null every <paramref name="tick"/> without an
    /// event, so the consumer can update progress.
    /// </summary>
    public IEnumerable<RunEvent?> Drain(TimeSpan tick)
    {
        while (!_events.IsCompleted)
        {
            RunEvent item;
            bool taken;
            try
            {
                taken = _events.TryTake(out item, (int)tick.TotalMilliseconds, cancellationToken);
            }
            catch (OperationCanceledException)
            {
                yield break;
            }
            yield return taken ? item : null;
        }
    }

    private void Add(RunEvent item)
    {
        try
        {
            _events.Add(item, cancellationToken);
        }
        catch (OperationCanceledException) { }
        catch (InvalidOperationException) { }   // completed: a late event after the run ended
    }

    public void Dispose() => _events.Dispose();
}
