using AgbCode.Core.Errors;
namespace AgbCode.Engine.Kernels;

/// <summary>
/// One started kernel, from its launch to its death: the process, the channel reading its messages, and why it died
/// (the engine's own reason when the engine killed it, else what its exit says). Its death fails the run in progress.
/// </summary>
internal sealed class KernelGeneration
{
    private static readonly TimeSpan DeathWait = TimeSpan.FromSeconds(30);
    private readonly object _gate = new();
    private readonly IKernelProcess _process;
    private readonly DriverChannel _channel;
    private readonly RunSlot _runs;
    private readonly KernelSettings _settings;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (string Name, string Reason)? _killedBecause;
    private bool _ended;

    public KernelGeneration(IKernelProcess process, RunSlot runs, ReadThrottle throttle, KernelSettings settings)
    {
        _process = process;
        _runs = runs;
        _settings = settings;
        _channel = new DriverChannel(process.Requests, process.Messages, settings.Limits.OutputBytes, throttle);
        Ended = Task.Run(LiveAsync);
    }

    /// <summary>The runtime the driver names when it is ready; faults with <see cref="KernelExitedException"/> if it dies first.</summary>
    public Task<string> Ready => _ready.Task;

    /// <summary>Completes when the death is fully handled (run failed, process and cgroup gone).</summary>
    public Task Ended { get; }

    public bool IsReady => _ready.Task.IsCompletedSuccessfully;

    public bool HasEnded
    {
        get { lock (_gate) return _ended; }
    }

    /// <summary>Why it died, told to the next run; null while it lives.</summary>
    public string? DeathReason { get; private set; }

    public Task SendAsync(ExecuteRequest request) => HasEnded ? Task.CompletedTask : _channel.SendAsync(request);

    public void Interrupt()
    {
        lock (_gate)
        {
            if (!_ended)
                _process.Interrupt();
        }
    }

    public void AdoptCurrentProcesses() => _process.AdoptCurrentProcesses();

    /// <inheritdoc cref="IKernelProcess.EndStrays"/>
    public int? EndStrays() => HasEnded ? 0 : _process.EndStrays();

    /// <summary>Kills the kernel; its death is reported with this error and reason (the first one given wins).</summary>
    public void Kill(string errorName, string reason)
    {
        bool ended;
        lock (_gate)
        {
            _killedBecause ??= (errorName, reason);
            ended = _ended;
        }
        if (!ended)
            _process.Kill();
    }

    /// <summary>Kills the kernel and waits until its death is fully handled.</summary>
    public async Task KillAsync(string errorName, string reason)
    {
        Kill(errorName, reason);
        await Ended.WaitAsync(DeathWait).ConfigureAwait(false);
    }

    private async Task LiveAsync()
    {
        if (await _channel.ReadAsync(_runs, _ready, _settings.Language).ConfigureAwait(false) is { } violation)
            Kill(RunErrorNames.KernelProtocol, violation);
        KernelExit exit = await _process.ExitAsync().ConfigureAwait(false);
        RunRecorder? recorder = _runs.Current;
        string errorName;
        string reason;
        lock (_gate)
        {
            (errorName, reason) = _killedBecause
                ?? exit.Cause(recorder is not null && _settings.DiedOfMemory(recorder.StderrTail), Sizes.Format(_settings.Limits.MemoryBytes));
            DeathReason = reason;
            _ended = true;
        }
        _ready.TrySetException(new KernelExitedException(reason));
        recorder?.Fail(errorName,
            $"The {_settings.Language} kernel ended while the run was in progress: {reason}. The session's {_settings.Language} state was lost; " +
            "the next run starts a fresh kernel." + (errorName == RunErrorNames.OutOfMemory ? " Use less memory, or give the session more (-MemoryMB)." : ""),
            keepTraceback: true);
        _process.Dispose();
    }
}

/// <summary>The kernel died before it was ready.</summary>
internal sealed class KernelExitedException(string reason) : Exception(reason);
