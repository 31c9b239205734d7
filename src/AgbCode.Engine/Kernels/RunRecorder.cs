using System.Diagnostics;
using System.Text;
using System.Text.Json;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Kernels;

/// <summary>
/// One run's events: forwards them to the observer in order, keeps them up to the output cap (then cuts with a
/// visible marker), and builds the AGB result. What it holds is bounded by the cap: text is coalesced into few
/// strings, display items and MIME keys have fixed bounds (<see cref="OutputBounds"/>). Called from the kernel's
/// reader thread and from the run's caller.
/// </summary>
internal sealed class RunRecorder
{
    private readonly object _gate = new();
    private readonly IRunObserver? _observer;
    private readonly long _cap;
    private readonly Stopwatch _clock = Stopwatch.StartNew();
    private readonly TaskCompletionSource _done = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly TaskCompletionSource _tookInterrupt = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly CoalescedText _stdout = new();
    private readonly CoalescedText _stderr = new();
    private readonly List<ExecutionResult> _results = [];
    private ExecutionResult? _mainResult;
    private ExecutionError? _error;
    private long _kept;
    private long _received;
    private bool _truncated;
    private bool _itemsDropped;
    private bool _mimeKeysDropped;
    private bool _stopping;
    private bool _failed;
    private string _status = "error";
    private int? _exitCode;

    public RunRecorder(string runId, IRunObserver? observer, long outputCap)
    {
        RunId = runId;
        _observer = observer;
        _cap = outputCap;
    }

    public string RunId { get; }
    public Task Completion => _done.Task;
    public bool IsDone => _done.Task.IsCompleted;

    /// <summary>Completes when the driver says the run took the interrupt and is ending (it is making the error).</summary>
    public Task InterruptTaken => _tookInterrupt.Task;

    /// <summary>Counts one message line the kernel sent for this run, whatever its type; false past the honest volume.</summary>
    public bool Receive(int lineBytes) => Interlocked.Add(ref _received, lineBytes) <= OutputBounds.HonestVolume(_cap);

    /// <summary>The end of what the run wrote to stderr so far (a runtime's own last words, e.g. a fatal heap error).</summary>
    public string StderrTail
    {
        get
        {
            lock (_gate)
            {
                return _stderr.Tail(65536);
            }
        }
    }

    public static string Marker(long cap) =>
        $"\n[output truncated: the run produced more than {Sizes.Format(cap)} of output; the rest was discarded]\n";

    public void Stream(string name, string text)
    {
        int bytes = Encoding.UTF8.GetByteCount(text);
        lock (_gate)
        {
            if (_truncated || _done.Task.IsCompleted)
                return;
            if (_kept + bytes > _cap)
            {
                string fitting = Sizes.Utf8Prefix(text, _cap - _kept);
                if (fitting.Length > 0)
                    Keep(name, fitting);
                Truncate(name);
                return;
            }
            _kept += bytes;
            Keep(name, text);
        }
    }

    public void Truncated(string name)
    {
        lock (_gate)
        {
            if (!_truncated && !_done.Task.IsCompleted)
                Truncate(name);
        }
    }

    /// <summary>
    /// A display result counts against the cap like output, up to <see cref="OutputBounds.MaxResultItems"/> items; the
    /// main result is kept whenever it alone fits, because it is the run's answer (one per run: a later one replaces it).
    /// </summary>
    public void Result(JsonElement bundle, bool isMainResult)
    {
        long bytes = bundle.GetRawText().Length;
        lock (_gate)
        {
            if (_done.Task.IsCompleted)
                return;
            bool fits = isMainResult ? bytes <= _cap : !_truncated && _kept + bytes <= _cap;
            if (!fits)
            {
                if (!_truncated)
                    Truncate("stdout");
                return;
            }
            if (!isMainResult && _results.Count - (_mainResult is null ? 0 : 1) >= OutputBounds.MaxResultItems)
            {
                SayOnce(ref _itemsDropped, OutputBounds.ItemsMarker);
                return;
            }
            ExecutionResult result = MimeBundle.ToResult(bundle, isMainResult, OutputBounds.MaxMimeKeys, out bool keysDropped);
            if (keysDropped)
                SayOnce(ref _mimeKeysDropped, OutputBounds.MimeKeysMarker);
            if (isMainResult)
            {
                if (_mainResult is not null)
                    _results.Remove(_mainResult);
                _mainResult = result;
            }
            else
            {
                _kept += bytes;
            }
            _results.Add(result);
            _observer?.OnResult(result);
        }
    }

    /// <summary>Something past a bound was dropped: the result is flagged as truncated and the marker shown, once per bound.</summary>
    private void SayOnce(ref bool said, string marker)
    {
        if (said)
            return;
        said = true;
        Keep("stdout", marker);
    }

    public void Error(ExecutionError error)
    {
        lock (_gate)
        {
            if (_done.Task.IsCompleted || _error is not null)
                return;
            _error = error;
            if (!_stopping)
                _observer?.OnError(error);
        }
    }

    /// <summary>The engine is stopping the run (timeout, cancel): the driver's own interrupt error is not forwarded.</summary>
    public void Stopping()
    {
        lock (_gate)
            _stopping = true;
    }

    public void TookInterrupt() => _tookInterrupt.TrySetResult();

    /// <summary>The driver's done: its status, and the code when the program exited (sys.exit, quit, process.exit, System.exit).</summary>
    public void Done(string status, long? exitCode)
    {
        ExecutionError? exitError = null;
        lock (_gate)
        {
            if (_failed)
                return;
            _status = status;
            if (exitCode is { } code)
            {
                _exitCode = ExitStatus.Normalize(code);
                _error = null;   // an exit is not an exception, whatever the runtime used to unwind the program
                if (_exitCode != 0)
                    _error = exitError = ExitStatus.Error(_exitCode.Value);
            }
        }
        if (exitError is not null)
            _observer?.OnError(exitError);
        _done.TrySetResult();
    }

    /// <summary>Ends the run with an engine-side error (timeout, cancel, kernel death), keeping the driver's traceback.</summary>
    public void Fail(string name, string message, bool keepTraceback)
    {
        ExecutionError error;
        lock (_gate)
        {
            if (_failed)
                return;   // the first engine-side reason is the true one (a kill follows a timeout)
            _failed = true;
            error = new ExecutionError { Name = name, Value = message, Traceback = keepTraceback ? _error?.Traceback ?? "" : "" };
            _error = error;
            _status = "error";
        }
        _observer?.OnError(error);
        _done.TrySetResult();
    }

    public EnhancedCodeExecutionResult Build(int executionCount, string language, string sessionId)
    {
        lock (_gate)
        {
            bool success = _exitCode is { } exit ? exit == 0 && !_failed : _status == "ok" && _error is null;
            return new EnhancedCodeExecutionResult
            {
                RequestId = RunId,
                Success = success,
                ExecutionCount = executionCount,
                ExecutionTime = _clock.Elapsed.TotalSeconds,
                Logs = new ExecutionLogs { Stdout = _stdout.Chunks(), Stderr = _stderr.Chunks() },
                Results = [.. _results],
                Error = success ? null : _error ?? new ExecutionError { Name = RunErrorNames.Execution, Value = "The run failed." },
                ErrorMessage = success ? "" : (_error ?? new ExecutionError { Name = RunErrorNames.Execution, Value = "The run failed." }).ToString(),
                Language = language,
                SessionId = sessionId,
                OutputTruncated = _truncated || _itemsDropped || _mimeKeysDropped,
                ExitCode = _failed ? null : _exitCode,
            };
        }
    }

    private void Keep(string name, string text)
    {
        if (name == "stderr")
        {
            _stderr.Append(text);
            _observer?.OnStderr(text);
        }
        else
        {
            _stdout.Append(text);
            _observer?.OnStdout(text);
        }
    }

    private void Truncate(string name)
    {
        _truncated = true;
        Keep(name, Marker(_cap));
    }
}
