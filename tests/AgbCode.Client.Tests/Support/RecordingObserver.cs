using System.Collections.Concurrent;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Tests.Support;

/// <summary>Records a run's events in order; optional hooks let a test act when a given event arrives.</summary>
internal sealed class RecordingObserver : IRunObserver
{
    public ConcurrentQueue<string> Events { get; } = new();
    public ConcurrentQueue<string> Diagnostics { get; } = new();
    public Action<string>? OnStdoutHook { get; init; }

    public void OnStdout(string text)
    {
        Events.Enqueue("stdout:" + text);
        OnStdoutHook?.Invoke(text);
    }

    public void OnStderr(string text) => Events.Enqueue("stderr:" + text);
    public void OnResult(ExecutionResult result) => Events.Enqueue("result:" + result.Text);
    public void OnError(ExecutionError error) => Events.Enqueue("error:" + error.Name);
    public void OnDiagnostic(string message) => Diagnostics.Enqueue(message);
}
