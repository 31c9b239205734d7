using AgbCode.Core.Display;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// Where a kernel's messages go: the run in progress, or, between runs, the late output the next run is handed first.
/// Shared by the run controller (which begins and ends runs) and the driver channel's reader (which routes messages).
/// </summary>
internal sealed class RunSlot(long outputCap)
{
    private readonly object _gate = new();
    private readonly LateOutput _late = new(outputCap);
    private RunRecorder? _current;
    private string? _lastRunId;

    public RunRecorder? Current
    {
        get { lock (_gate) return _current; }
    }

    /// <summary>A run begins: output printed since the previous one ended belongs to it, first.</summary>
    public void Begin(RunRecorder recorder)
    {
        lock (_gate)
        {
            _current = recorder;
            _late.HandTo(recorder);
        }
    }

    /// <summary>Messages go to <paramref name="recorder"/> from now on (a run's hidden definitions, then the run).</summary>
    public void Switch(RunRecorder recorder)
    {
        lock (_gate)
            _current = recorder;
    }

    /// <summary>The run is over: its id may still tag output of its background threads.</summary>
    public void End()
    {
        lock (_gate)
        {
            _lastRunId = _current?.RunId;
            _current = null;
        }
    }

    /// <summary>
    /// The run a message belongs to, or null when it was kept as late output. A message an honest driver never sends (another
    /// run's id, a result, error or done outside its run) or more than an honest volume between runs is a
    /// <see cref="ProtocolViolationException"/>.
    /// </summary>
    public RunRecorder? Route(DriverMessage message, int lineBytes)
    {
        lock (_gate)
        {
            if (_current is { } current && message.RunId == current.RunId)
                return current;
            if (message.RunId is not null && message.RunId != _lastRunId)
                throw new ProtocolViolationException($"a message for a run that is not the kernel's current or last one ('{InertText.OneLine(message.RunId, 40)}')");
            if (!DriverProtocol.BetweenRunMessages.Contains(message.Type))
                throw new ProtocolViolationException($"a '{message.Type}' message outside its run");
            if (_current is { IsDone: false } && message.RunId is null)
                return _current;   // output without an id while a run is in progress (a thread printed as the run began): the run keeps it
            if (!_late.Receive(lineBytes))
                throw new ProtocolViolationException($"more output between runs than the {Sizes.Format(outputCap)} cap allows");
            if (message.Type == DriverProtocol.Message.Stream)
                _late.Keep(message.String(DriverProtocol.Field.Name), message.String(DriverProtocol.Field.Text));
            return null;
        }
    }
}
