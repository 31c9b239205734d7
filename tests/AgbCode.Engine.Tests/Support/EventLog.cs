using System.Collections.Concurrent;
using System.Diagnostics;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Tests.Support;

/// <summary>Records a run's events with the time each arrived.</summary>
internal sealed class EventLog : IRunObserver
{
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public ConcurrentQueue<(string Kind, string Text, TimeSpan At)> Events { get; } = new();

    public void OnStdout(string text) => Events.Enqueue(("stdout", text, _clock.Elapsed));
    public void OnStderr(string text) => Events.Enqueue(("stderr", text, _clock.Elapsed));
    public void OnResult(ExecutionResult result) => Events.Enqueue(("result", result.Text ?? "", _clock.Elapsed));
    public void OnError(ExecutionError error) => Events.Enqueue(("error", error.Name, _clock.Elapsed));
    public void OnDiagnostic(string message) => Events.Enqueue(("diagnostic", message, _clock.Elapsed));

    public IEnumerable<(string Kind, string Text, TimeSpan At)> Of(string kind) => Events.Where(e => e.Kind == kind);

    /// <summary>Waits until an event of this kind has arrived (e.g. the run printed something), failing after 30 s.</summary>
    public async Task WaitForAsync(string kind)
    {
        var deadline = DateTime.UtcNow.AddSeconds(30);
        while (!Of(kind).Any() && DateTime.UtcNow < deadline)
            await Task.Delay(20);
        Assert.True(Of(kind).Any(), $"no {kind} event within 30 s");
    }
}
