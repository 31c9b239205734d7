using System.Diagnostics;
using System.Globalization;
using System.Text;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Core.Values;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Native;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Sandbox.Cgroups;
using AgbCode.Core.Display;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// One language's long-lived driver process in its own sandbox. Runs are serialized; a timeout or cancel interrupts
/// (SIGINT, state kept) and kills after the grace period (state lost); a kernel that died is replaced on the next run,
/// which is told so.
/// </summary>
internal sealed class Kernel : IAsyncDisposable
{
    private readonly KernelContext _context;
    private readonly LanguageDriver _driver;
    private readonly SemaphoreSlim _gate = new(1, 1);
    private readonly object _stateLock = new();
    private readonly LateOutput _late;
    private readonly ReadThrottle _throttle = new();
    private IReadOnlySet<int> _kernelProcesses = new HashSet<int>();
    private string? _lastRunId;
    private Process? _process;
    private CgroupGroup? _cgroup;
    private Task? _reader;
    private DiagnosticTail? _diagnostics;
    private RunRecorder? _current;
    private long _oomBaseline;
    private (string Name, string Message)? _killedBecause;
    private string? _deathReason;
    private bool _everStarted;
    private bool _closed;
    private int _executionCount;
    private int _generation;

    public Kernel(KernelContext context, LanguageDriver driver)
    {
        _context = context;
        _driver = driver;
        _late = new LateOutput(context.Limits.OutputBytes);
    }

    public string Language => _driver.Language;
    public string? Runtime { get; private set; }
    public KernelState State { get; private set; } = KernelState.Dead;
    public KernelInfo Info => new(Language, State, _executionCount, Runtime);

    private bool IsRunning
    {
        get { lock (_stateLock) return _process is not null; }
    }

    public async Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer, CancellationToken cancellationToken)
    {
        try
        {
            await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            return NotRun("CancelledError", "The run was cancelled before it started; nothing ran.");
        }
        try
        {
            ThrowIfClosed();
            bool restarted = false;
            string? restartReason = null;
            if (!IsRunning)
            {
                if (_everStarted)
                {
                    restarted = true;
                    restartReason = _deathReason;
                    observer?.OnDiagnostic($"The previous {Language} kernel ended ({_deathReason}); starting a fresh one: earlier state is gone.");
                }
                try
                {
                    await StartAsync(observer, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return NotRun("CancelledError", $"The run was cancelled while the {Language} kernel was starting; nothing ran.");
                }
            }

            int count = ++_executionCount;
            var recorder = new RunRecorder(NewRunId(), observer, _context.Limits.OutputBytes);
            observer?.OnDiagnostic($"Run {recorder.RunId}: {Language} execution {count} in session {_context.SessionId}.");
            Begin(recorder);
            if (RunDefinitions.For(request) is not { } definitions
                || await DefineAsync(recorder, definitions, count, request.TimeoutSec, cancellationToken).ConfigureAwait(false))
            {
                await SendAsync(recorder.RunId, request.Code, count, request.SourcePath is null ? null : RunDefinitions.ScriptName(request)).ConfigureAwait(false);
                await WaitAsync(recorder, request.TimeoutSec, cancellationToken).ConfigureAwait(false);
            }

            EnhancedCodeExecutionResult result = recorder.Build(count, Language, _context.SessionId);
            result.KernelRestarted = restarted;
            result.KernelRestartReason = restartReason;
            observer?.OnDiagnostic($"Run {recorder.RunId} {(result.Success ? "succeeded" : "failed")} in {result.ExecutionTime:0.000} s.");
            return result;
        }
        finally
        {
            lock (_stateLock)
            {
                _lastRunId = _current?.RunId;
                _current = null;
                if (State == KernelState.Busy)
                    State = KernelState.Idle;
            }
            _gate.Release();
        }
    }

    public async Task EnsureStartedAsync(IRunObserver? observer, CancellationToken cancellationToken)
    {
        await _gate.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            ThrowIfClosed();
            if (!IsRunning)
                await StartAsync(observer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _gate.Release();
        }
    }

    private void ThrowIfClosed()
    {
        if (_closed)
            throw SessionClosed.Error(_context.SessionId);
    }

    private EnhancedCodeExecutionResult NotRun(string name, string message) => new()
    {
        Success = false,
        Error = new ExecutionError { Name = name, Value = message },
        ErrorMessage = $"{name}: {message}",
        Language = Language,
        SessionId = _context.SessionId,
    };

    private static string NewRunId() => "run-" + Guid.NewGuid().ToString("N")[..20];

    // ---- start and stop -------------------------------------------------------------------------------------------

    private async Task StartAsync(IRunObserver? observer, CancellationToken cancellationToken)
    {
        observer?.OnDiagnostic($"Starting the {Language} kernel of session {_context.SessionId}.");
        var clock = Stopwatch.StartNew();
        var ready = new TaskCompletionSource<string>(TaskCreationOptions.RunContinuationsAsynchronously);
        CgroupGroup? cgroup = _context.SessionCgroup?.CreateChild($"{Language}-{++_generation}", _context.Ledger);
        Process process;
        try
        {
            process = await _context.Spawner.StartAsync(BuildStartInfo(cgroup)).ConfigureAwait(false);
        }
        catch
        {
            cgroup?.Remove();
            throw;
        }
        lock (_stateLock)
        {
            _process = process;
            _cgroup = cgroup;
            _killedBecause = null;
            _oomBaseline = cgroup?.OomKills ?? 0;
            State = KernelState.Starting;
        }
        _diagnostics = new DiagnosticTail(process.StandardError.BaseStream);
        _reader = Task.Run(() => ReadAsync(process, ready));

        using var startLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startLimit.CancelAfter(_driver.StartTimeout);
        try
        {
            Runtime = await ready.Task.WaitAsync(startLimit.Token).ConfigureAwait(false);
            _kernelProcesses = SandboxProcesses.Descendants(process.Id);   // the kernel's own: kept when a run's strays are ended
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await KillAsync("KernelStartError", "it did not start in time").ConfigureAwait(false);
            throw StartFailed($"did not become ready within {_driver.StartTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException)
        {
            await KillAsync("CancelledError", "its start was cancelled").ConfigureAwait(false);
            throw;
        }
        catch (KernelExitedException exited)
        {
            throw StartFailed($"exited while starting: {exited.Message}");
        }
        lock (_stateLock)
        {
            _everStarted = true;
            if (State == KernelState.Starting)
                State = KernelState.Idle;
        }
        observer?.OnDiagnostic($"The {Language} kernel ({Runtime}) started in {clock.Elapsed.TotalSeconds:0.000} s.");
    }

    private AgbException StartFailed(string what) => new(AgbErrorKind.Platform, "AgbKernelStartFailed",
        $"The {Language} kernel {what}.",
        _driver.IsInstalled
            ? "Check the runtime with Get-AgbLanguage; run ./build.ps1 -Task Bootstrap to install what is missing."
            : $"{_driver.Executable} is missing: install {_driver.Package} (./build.ps1 -Task Bootstrap does it).");

    private ProcessStartInfo BuildStartInfo(CgroupGroup? cgroup) => SessionProcessStart.Build(_context, cgroup, new SessionCommand
    {
        Command = (driversDir, image) => _driver.Command(driversDir, _context.Limits, image),
        Environment = (home, tmp) => WithSessionEnvironment(_driver.Environment(home, tmp)),
        ReadOnlyEtc = _driver.ReadOnlyEtc,
        Networked = true,
    });

    /// <summary>The driver's environment with the session's own variables (New-AgbSession -Environment) over it.</summary>
    private Dictionary<string, string> WithSessionEnvironment(IReadOnlyDictionary<string, string> driver)
    {
        var environment = new Dictionary<string, string>(driver);
        foreach (var (name, value) in _context.Environment)
            environment[name] = value;
        return environment;
    }

    /// <summary>SIGINT to the driver: the runtime's own interrupt, which keeps the kernel's state.</summary>
    private void Interrupt()
    {
        Process? process;
        lock (_stateLock)
            process = _process;
        if (process is null)
            return;
        int? target = _context.Isolation == IsolationMode.Sandbox ? SandboxProcesses.DriverPid(process.Id, _context.Network is not null) : process.Id;
        if (target is int pid)
            Libc.Signal(pid, Libc.SIGINT);
    }

    /// <summary>Kills the sandbox and waits until its death is fully handled (run failed, cgroup removed).</summary>
    private async Task KillAsync(string errorName, string reason)
    {
        Task? reader = _reader;
        KillProcess(errorName, reason);
        if (reader is not null)
            await reader.WaitAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    /// <summary>Kills the sandbox (its pid namespace and cgroup); the reader then reports the death with this reason.</summary>
    private void KillProcess(string errorName, string reason)
    {
        Process? process;
        CgroupGroup? cgroup;
        lock (_stateLock)
        {
            process = _process;
            cgroup = _cgroup;
            _killedBecause ??= (errorName, reason);
        }
        if (process is null)
            return;
        try
        {
            process.Kill();
        }
        catch (InvalidOperationException) { }   // already gone
        cgroup?.KillAll();
    }

    public async ValueTask DisposeAsync()
    {
        await _gate.WaitAsync(TimeSpan.FromSeconds(1)).ConfigureAwait(false);   // a busy kernel is killed anyway
        _closed = true;
        await KillAsync("SessionClosedError", "the session was removed").ConfigureAwait(false);
    }

    // ---- one run -------------------------------------------------------------------------------------------------

    private void Begin(RunRecorder recorder)
    {
        lock (_stateLock)
        {
            _current = recorder;
            State = KernelState.Busy;
            _late.HandTo(recorder);   // printed after the previous run ended: it belongs here
        }
    }

    /// <summary>
    /// Runs a request's definitions (its variables, arguments and script name) as a run of its own that nothing sees
    /// and that counts no execution; when they fail, the user's run fails with their error and its code does not run.
    /// </summary>
    private async Task<bool> DefineAsync(RunRecorder run, string definitions, int count, double timeoutSec, CancellationToken cancellationToken)
    {
        var setup = new RunRecorder(NewRunId(), null, _context.Limits.OutputBytes);
        lock (_stateLock)
            _current = setup;
        await SendAsync(setup.RunId, definitions, count, null).ConfigureAwait(false);
        await WaitAsync(setup, timeoutSec, cancellationToken).ConfigureAwait(false);
        EnhancedCodeExecutionResult outcome = setup.Build(count, Language, _context.SessionId);
        lock (_stateLock)
            _current = run;
        if (outcome.Success)
            return true;
        ExecutionError failure = RunDefinitions.FailureOf(outcome.Error!);
        run.Fail(failure.Name, failure.Value, keepTraceback: false);
        return false;
    }

    private async Task SendAsync(string runId, string code, int executionCount, string? filename)
    {
        Process? process;
        lock (_stateLock)
            process = _process;
        if (process is null)
            return;   // died between start and now: the reader has failed the run
        var buffer = new MemoryStream();
        using (var writer = new Utf8JsonWriter(buffer))
        {
            writer.WriteStartObject();
            writer.WriteString("type", "execute");
            writer.WriteString("id", runId);
            writer.WriteString("code", code);
            if (filename is not null)
                writer.WriteString("filename", filename);
            writer.WriteNumber("execution_count", executionCount);
            writer.WriteNumber("output_cap", _context.Limits.OutputBytes);
            writer.WriteEndObject();
        }
        buffer.WriteByte((byte)'\n');
        try
        {
            Stream input = process.StandardInput.BaseStream;
            await input.WriteAsync(buffer.GetBuffer().AsMemory(0, (int)buffer.Length)).ConfigureAwait(false);
            await input.FlushAsync().ConfigureAwait(false);
        }
        catch (IOException) { }   // the kernel died: the reader fails the run
    }

    private async Task WaitAsync(RunRecorder recorder, double timeoutSec, CancellationToken cancellationToken)
    {
        var timeout = TimeSpan.FromSeconds(timeoutSec);
        using var deadline = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        deadline.CancelAfter(timeout);
        try
        {
            await recorder.Completion.WaitAsync(deadline.Token).ConfigureAwait(false);
            return;
        }
        catch (OperationCanceledException) when (recorder.IsDone) { return; }
        catch (OperationCanceledException) { }

        bool timedOut = !cancellationToken.IsCancellationRequested;
        string name = timedOut ? "TimeoutError" : "CancelledError";
        string what = timedOut ? $"The run exceeded its {Seconds(timeoutSec)} timeout" : "The run was cancelled";
        recorder.Stopping();
        Interrupt();
        // someone waits on a cancel (Ctrl+C): give the interrupt at most a second before the kill
        TimeSpan grace = timedOut ? _context.Limits.InterruptGrace : TimeSpan.FromTicks(Math.Min(_context.Limits.InterruptGrace.Ticks, TimeSpan.TicksPerSecond));
        if (await Finished(recorder.Completion, grace).ConfigureAwait(false) && EndStrays() is int ended)
        {
            string strays = ended == 0 ? "" : $" The {ended} process(es) it left running were ended.";
            recorder.Fail(name, $"{what} and was interrupted; the session's {Language} state was kept.{strays}", keepTraceback: true);
            return;
        }
        string message = $"{what}, did not stop within {Seconds(grace.TotalSeconds)} of the interrupt, and its kernel was killed: " +
                         $"the session's {Language} state was lost and the next run starts a fresh kernel.";
        recorder.Fail(name, message, keepTraceback: true);
        await KillAsync(name, timedOut ? "a run timed out and did not respond to the interrupt" : "a run was cancelled and did not respond to the interrupt")
            .ConfigureAwait(false);
    }

    /// <summary>
    /// A timed-out or cancelled run must not leave work behind: every process in the kernel's sandbox that is not the
    /// kernel's own (those seen when it became ready) is killed. Returns how many, or null when they kept coming back
    /// (the caller then kills the kernel).
    /// </summary>
    private int? EndStrays()
    {
        Process? process;
        lock (_stateLock)
            process = _process;
        if (process is null)
            return 0;
        var ended = new HashSet<int>();
        for (int round = 0; round < 200; round++)
        {
            int[] strays = [.. SandboxProcesses.Descendants(process.Id).Where(pid => !_kernelProcesses.Contains(pid) && !SandboxProcesses.IsZombie(pid))];
            if (strays.Length == 0)
                return ended.Count;
            foreach (int pid in strays)
            {
                Libc.Signal(pid, Libc.SIGKILL);
                ended.Add(pid);
            }
            Thread.Sleep(5);
        }
        return null;
    }

    private static async Task<bool> Finished(Task task, TimeSpan within)
    {
        try
        {
            await task.WaitAsync(within).ConfigureAwait(false);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private static string Seconds(double seconds) => string.Create(CultureInfo.InvariantCulture, $"{seconds:0.###} s");

    // ---- the driver's messages -------------------------------------------------------------------------------------

    private async Task ReadAsync(Process process, TaskCompletionSource<string> ready)
    {
        string? violation = null;
        try
        {
            long maxLine = Math.Min(int.MaxValue / 2, 2 * _context.Limits.OutputBytes + 8 * 1024 * 1024);
            var reader = new JsonLineReader(process.StandardOutput.BaseStream, (int)maxLine);
            while (await reader.ReadLineAsync().ConfigureAwait(false) is { } line)
            {
                await _throttle.TakeAsync(line.Length).ConfigureAwait(false);
                using DriverMessage message = DriverMessage.Parse(line);
                Dispatch(message, line.Length, ready);
            }
        }
        catch (ProtocolViolationException failure)
        {
            violation = failure.Message;
        }
        catch (IOException) { }
        catch (ObjectDisposedException) { }
        catch (Exception failure)   // anything else the kernel made us fail on: it is no longer trusted either
        {
            violation = $"a message the engine could not handle ({failure.GetType().Name}: {failure.Message})";
        }
        if (violation is not null)
            KillProcess("KernelProtocolError", violation);
        await process.WaitForExitAsync().ConfigureAwait(false);
        if (_diagnostics is not null)
            await _diagnostics.Completion.WaitAsync(TimeSpan.FromSeconds(2)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        Exited(process, ready);
    }

    private static readonly HashSet<string> MessageTypes =
        new(StringComparer.Ordinal) { "ready", "stream", "display_data", "execute_result", "error", "truncated", "done" };

    /// <summary>
    /// What an honest driver sends outside a run, and the only types it sends without an id: output of background
    /// threads (id null, or the run that just ended).
    /// </summary>
    private static readonly HashSet<string> BetweenRunTypes = new(StringComparer.Ordinal) { "stream", "display_data", "truncated" };

    /// <summary>
    /// Every line counts toward the volume of the run it arrives in (or of the time between runs), whatever it says.
    /// A message an honest driver never sends (an unknown type, another run's id, a second ready, a result, error or
    /// done outside its run) or more than an honest volume is a <see cref="ProtocolViolationException"/>: the kernel is killed.
    /// </summary>
    private void Dispatch(DriverMessage message, int lineBytes, TaskCompletionSource<string> ready)
    {
        if (!MessageTypes.Contains(message.Type))
            throw new ProtocolViolationException($"a message of unknown type '{InertText.OneLine(message.Type, 40)}'");
        if (message.Type == "ready")
        {
            if (!ready.TrySetResult(message.OptionalString("runtime") ?? Language))
                throw new ProtocolViolationException("a second 'ready' message");
            return;
        }
        RunRecorder? recorder;
        lock (_stateLock)
        {
            recorder = _current;
            if (recorder is null || message.RunId != recorder.RunId)
            {
                if (message.RunId is not null && message.RunId != _lastRunId)
                    throw new ProtocolViolationException($"a message for a run that is not the kernel's current or last one ('{InertText.OneLine(message.RunId, 40)}')");
                if (!BetweenRunTypes.Contains(message.Type))
                    throw new ProtocolViolationException($"a '{message.Type}' message outside its run");
                if (recorder is null || message.RunId is not null)
                {
                    if (!_late.Receive(lineBytes))
                        throw new ProtocolViolationException($"more output between runs than the {Sizes.Format(_context.Limits.OutputBytes)} cap allows");
                    if (message.Type == "stream")
                        _late.Keep(message.String("name"), message.String("text"));
                    return;
                }
                // else: output without an id while a run is in progress (a thread printed as the run began): the run keeps it
            }
        }
        if (!recorder.Receive(lineBytes))
            throw new ProtocolViolationException($"more output than the {Sizes.Format(_context.Limits.OutputBytes)} cap allows");
        switch (message.Type)
        {
            case "stream":
                recorder.Stream(message.String("name"), message.String("text"));
                break;
            case "display_data":
            case "execute_result":
                recorder.Result(message.Object("data"), isMainResult: message.Type == "execute_result");
                break;
            case "error":
                recorder.Error(new ExecutionError
                {
                    Name = message.String("ename"),
                    Value = message.String("evalue"),
                    Traceback = string.Join("\n", message.Strings("traceback").Select(l => l.TrimEnd('\n'))),
                });
                break;
            case "truncated":
                recorder.Truncated(message.OptionalString("name") ?? "stdout");
                break;
            case "done":
                recorder.Done(message.String("status"), message.OptionalInteger("exit_code"));
                break;
        }
    }

    private void Exited(Process process, TaskCompletionSource<string> ready)
    {
        RunRecorder? recorder;
        CgroupGroup? cgroup;
        string reason;
        string errorName;
        lock (_stateLock)
        {
            recorder = _current;
            cgroup = _cgroup;
            long oomKills = (cgroup?.OomKills ?? 0) - _oomBaseline;
            string limit = Sizes.Format(_context.Limits.MemoryBytes);
            bool outOfMemory = oomKills > 0 || (recorder is not null && _driver.DiedOfMemory(recorder.StderrTail));
            (errorName, reason) = _killedBecause
                ?? (outOfMemory ? ("OutOfMemoryError", $"it ran out of memory: the session's limit is {limit}")
                : ("KernelDiedError", $"it exited unexpectedly ({DescribeExit(process.ExitCode)}){Tail()}"));
            _deathReason = reason;
            _process = null;
            _cgroup = null;
            State = KernelState.Dead;
        }
        ready.TrySetException(new KernelExitedException(reason));
        recorder?.Fail(errorName,
            $"The {Language} kernel ended while the run was in progress: {reason}. The session's {Language} state was lost; " +
            "the next run starts a fresh kernel." + (errorName == "OutOfMemoryError" ? " Use less memory, or give the session more (-MemoryMB)." : ""),
            keepTraceback: true);
        cgroup?.Remove();
        process.Dispose();
    }

    private string Tail()
    {
        string tail = _diagnostics?.Text.Trim() ?? "";
        return tail.Length == 0 ? "" : $": {tail}";
    }

    private static string DescribeExit(int exitCode) =>
        exitCode > 128 ? $"killed by signal {exitCode - 128}" : $"exit code {exitCode}";

    private sealed class KernelExitedException(string reason) : Exception(reason);
}

/// <summary>What a kernel needs from its session and engine.</summary>
internal sealed record KernelContext
{
    public required string SessionId { get; init; }
    public required SessionLimits Limits { get; init; }
    public required IsolationMode Isolation { get; init; }
    public required string WorkspacePath { get; init; }
    /// <summary>The session's shared /tmp on the host (null: each sandbox gets a private one).</summary>
    public string? TmpPath { get; init; }
    public required string DriversDir { get; init; }
    public required uint? Uid { get; init; }
    public required int ProcessLimit { get; init; }
    public required CgroupGroup? SessionCgroup { get; init; }
    public required Host.EngineLedger Ledger { get; init; }
    public required Spawner Spawner { get; init; }
    public required SandboxLauncher? Launcher { get; init; }
    /// <summary>The session's image: the extra library folder its sandboxes mount.</summary>
    public Images.CodeImage Image { get; init; } = new(SessionOptions.DefaultImage, null);
    /// <summary>The session's environment variables, over the sandbox's and the driver's.</summary>
    public IReadOnlyDictionary<string, string> Environment { get; init; } = new Dictionary<string, string>();
    /// <summary>The session's network allow-list, given to its kernels; null: no network.</summary>
    public SandboxNetwork? Network { get; init; }
    /// <summary>The session's contexts, bound into each of its sandboxes.</summary>
    public IReadOnlyList<SandboxBind> ContextBinds { get; init; } = [];
}
