using System.Text.Json;
using AgbCode.Client.Parsing;
using AgbCode.Core.Errors;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Streaming;

/// <summary>
/// One streamed run_code invocation: forwards each event to the observer as it arrives and assembles the result as the
/// AGB SDK does (§2.6): chunks in order, results from MIME bundles, error events, then the end frame's verdict.
/// </summary>
internal sealed class StreamRun(string invocationId, IRunObserver? observer) : IWsListener
{
    private const int MaxRemoteErrorLength = 2000;

    private readonly object _gate = new();
    private readonly TaskCompletionSource<JsonElement> _end = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private readonly List<string> _stdout = [];
    private readonly List<string> _stderr = [];
    private readonly List<ExecutionResult> _results = [];
    private ExecutionError? _error;
    private bool _finished;

    public string InvocationId { get; } = invocationId;

    /// <summary>Completes with the end frame's data, or fails with a <see cref="WsStreamException"/>.</summary>
    public Task<JsonElement> Ended => _end.Task;

    public void OnData(JsonElement data)
    {
        lock (_gate)
        {
            if (_finished)
                return;
            if (Json.String(Json.Get(data, "error")) is { Length: > 0 })
            {
                _end.TrySetException(new WsStreamException("WS remote error: " + Truncate(data.GetRawText())));
                return;
            }
            switch (Json.String(Json.Get(data, "phase")))
            {
                case "event":
                    OnEvent(data);
                    break;
                case "end":
                    _end.TrySetResult(data.Clone());
                    break;
                case "error":
                    _end.TrySetException(new WsStreamException("WS remote error: " + Truncate(data.GetRawText())));
                    break;
                case null:
                    _end.TrySetException(new WsStreamException($"WS message missing required data.phase; invocationId={InvocationId}, data={Truncate(data.GetRawText())}"));
                    break;
                case string phase:
                    _end.TrySetException(new WsStreamException($"WS message has unsupported data.phase '{phase}'; invocationId={InvocationId}"));
                    break;
            }
        }
    }

    public void OnFailure(WsStreamException failure) => _end.TrySetException(failure);

    private void OnEvent(JsonElement data)
    {
        switch (Json.String(Json.Get(data, "eventType")))
        {
            case "stdout" when Json.String(Json.Get(data, "chunk")) is string chunk:
                _stdout.Add(chunk);
                observer?.OnStdout(chunk);
                break;
            case "stderr" when Json.String(Json.Get(data, "chunk")) is string chunk:
                _stderr.Add(chunk);
                observer?.OnStderr(chunk);
                break;
            case "result":
                ExecutionResult result = ResultItems.FromStreamEvent(Json.Get(data, "result"));
                _results.Add(result);
                observer?.OnResult(result);
                break;
            case "error":
                JsonElement? error = Json.Get(data, "error");
                _error = ErrorFrom(Json.Truthy(error) ? error!.Value : data);
                observer?.OnError(_error);
                break;
            // Other event types are not part of run_code's stream.
        }
    }

    private static ExecutionError ErrorFrom(JsonElement payload)
    {
        if (payload.ValueKind != JsonValueKind.Object)
            return new ExecutionError { Name = RunErrorNames.Execution, Value = Json.Str(payload) };
        string? traceId = Json.StrOrNull(Json.FirstTruthy(payload, "traceId"));
        return new ExecutionError
        {
            Name = Json.StrOrNull(Json.FirstTruthy(payload, "code")) ?? RunErrorNames.Execution,
            Value = Json.StrOrNull(Json.FirstTruthy(payload, "message", "error")) ?? "",
            Traceback = Json.StrOrNull(Json.FirstTruthy(payload, "traceback")) ?? (traceId is null ? "" : $"traceId={traceId}"),
        };
    }

    /// <summary>The result from the end frame: success unless an error event came, executionError is set or the status is "failed".</summary>
    public EnhancedCodeExecutionResult Completed(JsonElement end)
    {
        lock (_gate)
        {
            _finished = true;
            JsonElement? executionError = Json.Get(end, "executionError");
            if (Json.Truthy(executionError) && _error is null)
                _error = new ExecutionError { Name = RunErrorNames.Execution, Value = Json.Str(executionError!.Value) };
            bool success = _error is null && !Json.Truthy(executionError) && Json.String(Json.Get(end, "status")) != "failed";
            return Build(
                InvocationId,
                success,
                success ? "" : Json.Truthy(executionError) ? Json.Str(executionError!.Value) : _error?.Value ?? "",
                Json.Int(Json.Get(end, "executionCount")),
                Json.Truthy(Json.Get(end, "executionTime")) ? Json.Double(Json.Get(end, "executionTime")) : 0);
        }
    }

    /// <summary>
    /// The result when the stream ended without its end frame (failure) or the client stopped it (cancel, deadline):
    /// what arrived so far is kept, the error says why, and the observer hears it.
    /// </summary>
    public EnhancedCodeExecutionResult Stopped(string errorName, string message, bool prefixName)
    {
        lock (_gate)
        {
            _finished = true;
            _error = new ExecutionError { Name = errorName, Value = message };
            observer?.OnError(_error);
            return Build("", false, prefixName ? _error.ToString() : message, null, 0);
        }
    }

    private EnhancedCodeExecutionResult Build(string requestId, bool success, string errorMessage, int? executionCount, double executionTime) => new()
    {
        RequestId = requestId,
        Success = success,
        ExecutionCount = executionCount,
        ExecutionTime = executionTime,
        Logs = new ExecutionLogs { Stdout = [.. _stdout], Stderr = [.. _stderr] },
        Results = [.. _results],
        Error = _error,
        ErrorMessage = errorMessage,
    };

    private static string Truncate(string text) => text.Length <= MaxRemoteErrorLength ? text : text[..MaxRemoteErrorLength];
}
