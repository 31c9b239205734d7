using AgbCode.Core.Errors;
namespace AgbCode.Engine.Kernels;

/// <summary>
/// One started kernel, from its launch to its death: the process, the channel reading its messages, and why it died
/// (the engine's own reason when the engine killed it, else what its exit says). Its death fails the run in progress.
/// </summary>
internal sealed class KernelGeneration
{
    private readonly object _gate = new();
    private readonly IKernelProcess _process;
    private readonly DriverChannel _channel;
    private readonly RunSlot _runs;
    private readonly KernelSettings _settings;
    private readonly TaskCompletionSource<string> _ready = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private (string Name, string Reason)? _killedBecause;
    private (string Name, string Reason)? _death;

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
        get { lock (_gate) return _death is not null; }
    }

    /// <summary>Why it died, told to the next run; null while it lives.</summary>
    public string? DeathReason { get; private set; }

    public Task SendAsync(ExecuteRequest request) => HasEnded ? Task.CompletedTask : _channel.SendAsync(request);

    public void Interrupt()
    {
        lock (_gate)
        {
            if (_death is null)
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
            ended = _death is not null;
        }
        if (!ended)
            _process.Kill();
    }

    /// <summary>
    /// Kills the kernel and waits until its death is fully handled: false when it is not gone within
    /// <see cref="KernelSettings.KillWait"/> (<see cref="IsDying"/> then stays true until it is).
    /// </summary>
    public async Task<bool> KillAsync(string errorName, string reason)
    {
        Kill(errorName, reason);
        try
        {
            await Ended.WaitAsync(_settings.KillWait).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    /// <summary>The engine killed it and it has not died yet: its death may still fail the run in the shared slot.</summary>
    public bool IsDying
    {
        get { lock (_gate) return _killedBecause is not null && _death is null; }
    }

    /// <summary>Why a kernel that outlived <see cref="KillAsync"/> was killed, and what the user can do.</summary>
    public string OutlivedKill()
    {
        string? reason;
        lock (_gate)
            reason = _killedBecause?.Reason;
        return $"The {_settings.Language} kernel was killed ({reason}) and is not gone after {_settings.KillWait.TotalSeconds:0.#} s: " +
               "a process of it is stuck in the Linux kernel (uninterruptible sleep, usually I/O on a hung file system or device), " +
               "which SIGKILL ends only when it wakes";
    }

    /// <summary>
    /// A run that began on this kernel: if the kernel died before the run was in its slot, its death found no run to
    /// fail, so the run fails here with the same reason instead of waiting for its timeout.
    /// </summary>
    public void FailIfEnded(RunRecorder recorder)
    {
        (string Name, string Reason) death;
        lock (_gate)
        {
            if (_death is not { } ended)
                return;
            death = ended;
        }
        FailRun(recorder, death);
    }

    private void FailRun(RunRecorder recorder, (string Name, string Reason) death)
    {
        string language = _settings.Language;
        recorder.Fail(death.Name,
            $"The {language} kernel ended while the run was in progress: {death.Reason}. The session's {language} state was lost; " +
            "the next run starts a fresh kernel." + (death.Name == RunErrorNames.OutOfMemory ? " Use less memory, or give the session more (-MemoryMB)." : ""),
            keepTraceback: true);
    }

    private async Task LiveAsync()
    {
        if (await _channel.ReadAsync(_runs, _ready, _settings.Language).ConfigureAwait(false) is { } violation)
            Kill(RunErrorNames.KernelProtocol, violation);
        KernelExit exit = await _process.ExitAsync().ConfigureAwait(false);
        RunRecorder? recorder;
        (string Name, string Reason) death;
        lock (_gate)
        {
            recorder = _runs.Current;   // read under the gate: a run begun after this finds the kernel ended (FailIfEnded)
            death = _killedBecause
                ?? exit.Cause(recorder is not null && _settings.DiedOfMemory(recorder.StderrTail), Sizes.Format(_settings.Limits.MemoryBytes));
            _death = death;
            DeathReason = death.Reason;
        }
        _ready.TrySetException(new KernelExitedException(death.Reason));
        if (recorder is not null)
            FailRun(recorder, death);
        _process.Dispose();
    }
}

/// <summary>The kernel died before it was ready.</summary>
internal sealed class KernelExitedException(string reason) : Exception(reason);
