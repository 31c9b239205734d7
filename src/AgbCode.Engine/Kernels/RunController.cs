using AgbCode.Core.Errors;
using System.Diagnostics;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Core.Values;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// Runs one language's code in one kernel, one run at a time: starts the kernel on first use and again after it died
/// (the run is told so), hands each run its late output, and stops runs that time out or are cancelled
/// (<see cref="RunStopper"/>). Closing fails the run in progress and every run waiting for its turn.
/// </summary>
internal sealed class RunController : IAsyncDisposable
{
    private const string ClosedReason = "the session was removed";
    private readonly KernelSettings _settings;
    private readonly SemaphoreSlim _turn = new(1, 1);
    private readonly CancellationTokenSource _closing = new();
    private readonly object _stateLock = new();
    private readonly RunSlot _runs;
    private readonly ReadThrottle _throttle = new();
    private KernelGeneration? _kernel;
    private bool _everStarted;
    private bool _closed;
    private bool _busy;
    private int _executionCount;
    private int _starts;

    public RunController(KernelSettings settings)
    {
        _settings = settings;
        _runs = new RunSlot(settings.Limits.OutputBytes);
    }

    private string Language => _settings.Language;
    private string SessionId => _settings.SessionId;
    public string? Runtime { get; private set; }

    public KernelState State
    {
        get
        {
            lock (_stateLock)
                return _kernel is not { HasEnded: false } kernel ? KernelState.Dead
                    : !kernel.IsReady ? KernelState.Starting
                    : _busy ? KernelState.Busy : KernelState.Idle;
        }
    }

    public int ExecutionCount => Volatile.Read(ref _executionCount);

    private KernelGeneration? LiveKernel
    {
        get { lock (_stateLock) return _kernel is { HasEnded: false } kernel ? kernel : null; }
    }

    public async Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer, CancellationToken cancellationToken)
    {
        if (!await TakeTurnAsync(cancellationToken).ConfigureAwait(false))
            return NotRun(RunErrorNames.Cancelled, "The run was cancelled before it started; nothing ran.");
        try
        {
            ThrowIfClosed();
            try
            {
                if (await OutlivedKillAsync(cancellationToken).ConfigureAwait(false) is { } stuck)
                    return NotRun(RunErrorNames.KernelDied, $"{stuck}. Nothing ran: no fresh kernel starts beside it. Run again once it is gone, or remove the session.");
            }
            catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
            {
                return NotRun(RunErrorNames.Cancelled, $"The run was cancelled while the previous {Language} kernel was ending; nothing ran.");
            }
            bool restarted = false;
            string? restartReason = null;
            KernelGeneration? kernel = LiveKernel;
            if (kernel is null)
            {
                if (_everStarted)
                {
                    restarted = true;
                    restartReason = _kernel?.DeathReason;
                    observer?.OnDiagnostic($"The previous {Language} kernel ended ({restartReason}); starting a fresh one: earlier state is gone.");
                }
                try
                {
                    kernel = await StartAsync(observer, cancellationToken).ConfigureAwait(false);
                }
                catch (OperationCanceledException) when (cancellationToken.IsCancellationRequested)
                {
                    return NotRun(RunErrorNames.Cancelled, $"The run was cancelled while the {Language} kernel was starting; nothing ran.");
                }
            }

            int count = Interlocked.Increment(ref _executionCount);
            var recorder = new RunRecorder(NewRunId(), observer, _settings.Limits.OutputBytes);
            observer?.OnDiagnostic($"Run {recorder.RunId}: {Language} execution {count} in session {SessionId}.");
            lock (_stateLock)
                _busy = true;
            _runs.Begin(recorder);
            kernel.FailIfEnded(recorder);
            if (RunDefinitions.For(request) is not { } definitions
                || await DefineAsync(kernel, recorder, definitions, count, request.TimeoutSec, cancellationToken).ConfigureAwait(false))
            {
                string? filename = request.SourcePath is null ? null : RunDefinitions.ScriptName(request);
                await kernel.SendAsync(new ExecuteRequest(recorder.RunId, request.Code, count, filename)).ConfigureAwait(false);
                await RunStopper.WaitAsync(kernel, recorder, request.TimeoutSec, _settings, cancellationToken).ConfigureAwait(false);
            }

            EnhancedCodeExecutionResult result = recorder.Build(count, Language, SessionId);
            result.KernelRestarted = restarted;
            result.KernelRestartReason = restartReason;
            observer?.OnDiagnostic($"Run {recorder.RunId} {(result.Success ? "succeeded" : "failed")} in {result.ExecutionTime:0.000} s.");
            return result;
        }
        finally
        {
            _runs.End();
            lock (_stateLock)
                _busy = false;
            _turn.Release();
        }
    }

    public async Task EnsureStartedAsync(IRunObserver? observer, CancellationToken cancellationToken)
    {
        if (!await TakeTurnAsync(cancellationToken).ConfigureAwait(false))
            throw new OperationCanceledException(cancellationToken);
        try
        {
            ThrowIfClosed();
            if (await OutlivedKillAsync(cancellationToken).ConfigureAwait(false) is { } stuck)
                throw _settings.StartFailed($"cannot start: {stuck}");
            if (LiveKernel is null)
                await StartAsync(observer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            _turn.Release();
        }
    }

    /// <summary>
    /// Waits, up to the kill wait, for a kernel the engine killed and that is not gone yet (its death must find no run of
    /// a fresh kernel in the slot): null once it is gone, else what keeps it. Cancelling the run cancels the wait.
    /// </summary>
    private async Task<string?> OutlivedKillAsync(CancellationToken cancellationToken)
    {
        KernelGeneration? dying;
        lock (_stateLock)
            dying = _kernel is { IsDying: true } kernel ? kernel : null;
        if (dying is null)
            return null;
        try
        {
            await dying.Ended.WaitAsync(_settings.KillWait, cancellationToken).ConfigureAwait(false);
            return null;
        }
        catch (TimeoutException)
        {
            return dying.OutlivedKill();
        }
    }

    /// <summary>Waits for the run before to end: false when cancelled; a session closed meanwhile is its error.</summary>
    private async Task<bool> TakeTurnAsync(CancellationToken cancellationToken)
    {
        using var wait = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken, _closing.Token);
        try
        {
            await _turn.WaitAsync(wait.Token).ConfigureAwait(false);
            return true;
        }
        catch (OperationCanceledException) when (_closing.IsCancellationRequested)
        {
            throw SessionClosed.Error(SessionId);
        }
        catch (OperationCanceledException)
        {
            return false;
        }
    }

    private void ThrowIfClosed()
    {
        lock (_stateLock)
        {
            if (_closed)
                throw SessionClosed.Error(SessionId);
        }
    }

    private EnhancedCodeExecutionResult NotRun(string name, string message) => new()
    {
        Success = false,
        Error = new ExecutionError { Name = name, Value = message },
        ErrorMessage = $"{name}: {message}",
        Language = Language,
        SessionId = SessionId,
    };

    private static string NewRunId() => "run-" + Guid.NewGuid().ToString("N")[..20];

    private async Task<KernelGeneration> StartAsync(IRunObserver? observer, CancellationToken cancellationToken)
    {
        observer?.OnDiagnostic($"Starting the {Language} kernel of session {SessionId}.");
        var clock = Stopwatch.StartNew();
        IKernelProcess process = await _settings.Launch(++_starts).ConfigureAwait(false);
        var kernel = new KernelGeneration(process, _runs, _throttle, _settings);
        bool closed;
        lock (_stateLock)
        {
            closed = _closed;
            _kernel = kernel;
        }
        if (closed)   // closed while it was being launched: it must not outlive the session
        {
            await kernel.KillAsync(RunErrorNames.SessionClosed, ClosedReason).ConfigureAwait(false);
            throw SessionClosed.Error(SessionId);
        }

        using var startLimit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        startLimit.CancelAfter(_settings.StartTimeout);
        try
        {
            Runtime = await kernel.Ready.WaitAsync(startLimit.Token).ConfigureAwait(false);
            kernel.AdoptCurrentProcesses();   // the kernel's own: kept when a run's strays are ended
        }
        catch (OperationCanceledException) when (!cancellationToken.IsCancellationRequested)
        {
            await kernel.KillAsync(RunErrorNames.KernelStart, "it did not start in time").ConfigureAwait(false);
            throw _settings.StartFailed($"did not become ready within {_settings.StartTimeout.TotalSeconds:0} s");
        }
        catch (OperationCanceledException)
        {
            await kernel.KillAsync(RunErrorNames.Cancelled, "its start was cancelled").ConfigureAwait(false);
            throw;
        }
        catch (KernelExitedException exited)
        {
            throw _settings.StartFailed($"exited while starting: {exited.Message}");
        }
        _everStarted = true;
        observer?.OnDiagnostic($"The {Language} kernel ({Runtime}) started in {clock.Elapsed.TotalSeconds:0.000} s.");
        return kernel;
    }

    /// <summary>
    /// Runs a request's definitions (its variables, arguments and script name) as a run of its own that nothing sees
    /// and that counts no execution; when they fail, the user's run fails with their error and its code does not run.
    /// </summary>
    private async Task<bool> DefineAsync(KernelGeneration kernel, RunRecorder run, string definitions, int count, double timeoutSec,
        CancellationToken cancellationToken)
    {
        var setup = new RunRecorder(NewRunId(), null, _settings.Limits.OutputBytes);
        _runs.Switch(setup);
        await kernel.SendAsync(new ExecuteRequest(setup.RunId, definitions, count, null)).ConfigureAwait(false);
        await RunStopper.WaitAsync(kernel, setup, timeoutSec, _settings, cancellationToken).ConfigureAwait(false);
        EnhancedCodeExecutionResult outcome = setup.Build(count, Language, SessionId);
        _runs.Switch(run);
        if (outcome.Success)
            return true;
        ExecutionError failure = RunDefinitions.FailureOf(outcome.Error!);
        run.Fail(failure.Name, failure.Value, keepTraceback: false);
        return false;
    }

    /// <summary>Kills the kernel (the run in progress fails) and turns away every run waiting for its turn.</summary>
    public async ValueTask DisposeAsync()
    {
        KernelGeneration? kernel;
        lock (_stateLock)
        {
            if (_closed)
                return;
            _closed = true;
            kernel = _kernel;
        }
        _closing.Cancel();
        if (kernel is not null && !await kernel.KillAsync(RunErrorNames.SessionClosed, ClosedReason).ConfigureAwait(false))
            throw new AgbException(AgbErrorKind.Platform, SessionErrors.RemoveFailed,
                $"Session {SessionId} could not be removed: {kernel.OutlivedKill()}. Its sandbox stays held, its user id unused, " +
                "until the engine next starts, which removes it.",
                "Find the stuck process with: ps -eo pid,stat,wchan:32,cmd | awk '$2 ~ /D/'. What it waits on (wchan) names the file system or device to mend.");
    }
}
