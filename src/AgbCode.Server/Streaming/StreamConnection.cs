using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text.Json;
using System.Text.Json.Nodes;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Server.Api;
using AgbCode.Server.Config;
using AgbCode.Server.Ops;
using AgbCode.Server.Sessions;
using AgbCode.Server.Tools;
using Microsoft.AspNetCore.Connections;

namespace AgbCode.Server.Streaming;

/// <summary>
/// One WebSocket of one session: reads run frames, runs each invocation concurrently (the engine serializes runs per
/// kernel), and sends their events through one bounded queue. When the client goes away, its runs are cancelled.
/// </summary>
internal sealed class StreamConnection
{
    private readonly WebSocket _socket;
    private readonly HostedSession _session;
    private readonly RunCodeTool _tool;
    private readonly ServerOptions _options;
    private readonly ServerMetrics _metrics;
    private readonly ShutdownCoordinator _shutdown;
    private readonly StreamQuotas _quotas;
    private readonly ILogger _logger;
    private readonly OutboundQueue _queue;
    private readonly CancellationTokenSource _runs = new();
    private readonly ConcurrentDictionary<string, TaskCompletionSource> _inflight = new(StringComparer.Ordinal);
    private int _closing;

    public StreamConnection(WebSocket socket, HostedSession session, RunCodeTool tool, ServerOptions options, ServerMetrics metrics,
        ShutdownCoordinator shutdown, StreamQuotas quotas, ILogger logger)
    {
        _socket = socket;
        _session = session;
        _tool = tool;
        _options = options;
        _metrics = metrics;
        _shutdown = shutdown;
        _quotas = quotas;
        _logger = logger;
        _queue = new OutboundQueue(options.WsSendBufferBytes, DropSlowReader);
    }

    public async Task RunAsync(CancellationToken requestAborted)
    {
        using var pumpStop = new CancellationTokenSource();
        Task pump = PumpAsync(pumpStop.Token);
        using CancellationTokenRegistration onShutdown = _shutdown.Stopping.Register(CloseWhenIdle);
        var reader = new MessageReader(_socket, _options.MaxFrameBytes);
        try
        {
            while (await reader.ReadAsync(requestAborted) is { } message)
                Handle(message, reader);
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException or ConnectionAbortedException)
        {
            _logger.LogDebug("WebSocket of session {SessionId} ended: {Reason}", _session.Id, error.Message);
        }
        catch (Exception error)
        {
            _logger.LogError(error, "WebSocket of session {SessionId} failed; its runs are cancelled", _session.Id);
            _queue.Complete(WebSocketCloseStatus.InternalServerError, "server error");
        }
        finally
        {
            // however the connection ended, whatever it started is cancelled (the engine interrupts, the session's state stays)
            await _runs.CancelAsync();
        }
        await Task.WhenAll(_inflight.Values.Select(v => v.Task)).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default);
        _queue.Complete(WebSocketCloseStatus.NormalClosure, "");
        pumpStop.CancelAfter(TimeSpan.FromSeconds(5));
        await pump;
    }

    private async Task PumpAsync(CancellationToken cancellationToken)
    {
        try
        {
            await _queue.PumpAsync(_socket, cancellationToken);
            if (Volatile.Read(ref _closing) == 1)
                _ = AbortUnlessClosedAsync();
        }
        catch (Exception error) when (error is WebSocketException or OperationCanceledException or IOException or ObjectDisposedException)
        {
            _socket.Abort();   // a send that fails means the client is gone; the read loop then ends too
        }
    }

    /// <summary>How long the other end of a WebSocket gets to answer a close before it is cut off, not waited for.</summary>
    public static readonly TimeSpan CloseAnswerWait = TimeSpan.FromSeconds(5);

    /// <summary>After a close the server started, a client that does not answer it is cut off.</summary>
    private async Task AbortUnlessClosedAsync()
    {
        await Task.Delay(CloseAnswerWait);
        if (_socket.State != WebSocketState.Closed)
            _socket.Abort();
    }

    /// <summary>Frames this small are parsed before the quotas are asked (pings, small runs); larger ones only if they fit.</summary>
    private const int CheapFrameBytes = 64 * 1024;

    private void Handle(MessageReader.Message message, MessageReader reader)
    {
        if (message.IsOversize)
        {
            Refuse(reader.InvocationIdInPrefix(), new ApiError(413, "PayloadTooLarge",
                $"The frame is {ApiError.Sizes(message.Size)}; this server accepts frames of at most {ApiError.Sizes(_options.MaxFrameBytes)} " +
                "(AGBCODE_MAX_FRAME_BYTES). Send less code, or write large data to a file in the session."));
            return;
        }
        if (message.Size > CheapFrameBytes)
        {
            try
            {
                _quotas.CheckRoom(_session, message.Size);   // a big frame that could not be queued is refused unparsed
            }
            catch (ApiError refusal)
            {
                Refuse(reader.InvocationIdInPrefix(), refusal);
                return;
            }
        }
        JsonObject frame;
        try
        {
            frame = JsonBody.ParseObject(message.Bytes.Span, "A frame");
        }
        catch (ApiError refusal)
        {
            Refuse(null, refusal);
            return;
        }
        if (frame["type"] is JsonValue type && type.GetValueKind() == JsonValueKind.String && type.GetValue<string>() == "ping"
            && frame["invocationId"] is null)
        {
            _queue.Enqueue(Frames.Pong());
            return;
        }
        string? invocationId = frame["invocationId"] is JsonValue id && id.GetValueKind() == JsonValueKind.String ? id.GetValue<string>() : null;
        try
        {
            if (string.IsNullOrEmpty(invocationId) || invocationId.Length > 128)
                throw ApiError.BadParameter("A run frame needs an invocationId: a string of 1 to 128 characters, unique among this connection's runs.");
            Start(invocationId, ParseRun(frame), message.Size);
        }
        catch (ApiError refusal)
        {
            Refuse(invocationId, refusal);
            if (!_session.IsAlive)
                CloseWhenIdle();   // after the refusal, which must still go out
        }
    }

    /// <summary>Checks a run frame's data: {"method":"run_code","mode":"stream","params":{language, timeoutS, code}}.</summary>
    private JsonObject ParseRun(JsonObject frame)
    {
        JsonObject data = JsonBody.ObjectOrJsonString(frame["data"], "data") ?? throw ApiError.MissingParameter("data", "run frame");
        string? method = JsonBody.OptionalString(data, "method");
        if (method != ToolCatalog.RunCode)
            throw ApiError.BadParameter($"The frame's data.method is '{method}'; this server streams '{ToolCatalog.RunCode}' only.");
        string? mode = JsonBody.OptionalString(data, "mode");
        if (mode is not (null or "stream"))
            throw ApiError.BadParameter($"The frame's data.mode is '{mode}'; the WebSocket route runs in mode 'stream' only.");
        return JsonBody.ObjectOrJsonString(data["params"], "params") ?? throw ApiError.MissingParameter("params", "run frame's data");
    }

    /// <summary>Queues a run; its frame's size counts as its code bytes toward the quotas (the code is never larger).</summary>
    private void Start(string invocationId, JsonObject parameters, long frameBytes)
    {
        if (_shutdown.IsStopping)
            throw ApiError.ShuttingDown();
        if (!_session.IsAlive)
            throw ApiError.SessionNotFound(_session.Id);
        if (_inflight.Count >= _options.WsMaxInflightRuns)
            throw new ApiError(429, "TooManyRequests",
                $"This connection already has {_inflight.Count} runs in progress, the most allowed (AGBCODE_WS_MAX_INFLIGHT_RUNS). Wait for some to end.");
        if (_inflight.ContainsKey(invocationId))
            throw DuplicateInvocation(invocationId);
        // Parsed here, so a queued run holds its code once, not its frame; bad arguments still fail the run as a run.
        RunRequest? request = null;
        ApiError? invalid = null;
        try
        {
            request = _tool.ParseArgs(parameters);
        }
        catch (ApiError error)
        {
            invalid = error;
        }
        IDisposable lease = _quotas.AdmitRun(_session, frameBytes);
        var ended = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        if (!_inflight.TryAdd(invocationId, ended))
        {
            lease.Dispose();
            throw DuplicateInvocation(invocationId);
        }
        // Started here, on the read loop, so runs reach their kernel's queue in the order their frames arrived; the
        // engine returns at its first wait (the kernel's queue), and the loop goes on to the next frame.
        _ = RunInvocationAsync(invocationId, request, invalid, lease, ended);
    }

    private static ApiError DuplicateInvocation(string invocationId) =>
        ApiError.BadParameter($"The invocationId {invocationId} is already running on this connection; use a fresh id for each run.");

    private async Task RunInvocationAsync(string invocationId, RunRequest? request, ApiError? invalid, IDisposable lease, TaskCompletionSource ended)
    {
        var observer = new StreamObserver(invocationId, _queue, _logger);
        try
        {
            if (request is null)
            {
                // bad arguments fail the run the way the SDKs report run failures: an error event, then a failed end
                string message = invalid?.Message ?? "The run's arguments are not valid.";
                _metrics.Errors.WithLabels(invalid?.Code ?? "InvalidParameter").Inc();
                observer.OnError(new ExecutionError { Name = invalid?.Code ?? "InvalidParameter", Value = message });
                _queue.Enqueue(Frames.End(invocationId, observer.NextSeq(), Failed(message)));
                return;
            }
            _logger.LogDebug("Invocation {InvocationId} in session {SessionId}: {Language} run starting", invocationId, _session.Id, request.Language);
            EnhancedCodeExecutionResult result = await _tool.RunAsync(_session, request, "stream", observer, _runs.Token);
            _queue.Enqueue(Frames.End(invocationId, observer.NextSeq(), result));
        }
        catch (ApiError refusal)
        {
            Refuse(invocationId, refusal);
        }
        catch (Exception error)
        {
            _logger.LogError(error, "Invocation {InvocationId} in session {SessionId} failed", invocationId, _session.Id);
            Refuse(invocationId, new ApiError(500, "InternalError", "The server failed while running this invocation; the error is in its log."));
        }
        finally
        {
            lease.Dispose();
            _inflight.TryRemove(invocationId, out _);
            ended.TrySetResult();
            if (_shutdown.IsStopping)
                CloseWhenIdle();
        }
    }

    private static EnhancedCodeExecutionResult Failed(string message) => new() { Success = false, ErrorMessage = message };

    private void Refuse(string? invocationId, ApiError refusal)
    {
        _metrics.Errors.WithLabels(refusal.Code).Inc();
        _logger.LogInformation("Invocation {InvocationId} in session {SessionId} refused: {Code}: {Message}", invocationId, _session.Id, refusal.Code, refusal.Message);
        _queue.Enqueue(Frames.Refusal(invocationId, refusal.Code, refusal.Message));
    }

    /// <summary>On shutdown or when the session is gone: once no run is in progress, send a close frame.</summary>
    private void CloseWhenIdle()
    {
        if (!_inflight.IsEmpty || Interlocked.Exchange(ref _closing, 1) != 0)
            return;
        _queue.Complete(_shutdown.IsStopping ? WebSocketCloseStatus.EndpointUnavailable : WebSocketCloseStatus.PolicyViolation,
            _shutdown.IsStopping ? "server shutting down" : "session released");
    }

    private void DropSlowReader()
    {
        _metrics.SlowReaders.Inc();
        _logger.LogWarning("WebSocket of session {SessionId} dropped: the client read too slowly and more than {Budget} bytes piled up " +
                           "(AGBCODE_WS_SEND_BUFFER_BYTES); its runs are cancelled", _session.Id, _options.WsSendBufferBytes);
        // not on this thread: it is the engine's reader, inside the run's event delivery
        _ = Task.Run(() =>
        {
            _runs.Cancel();
            _socket.Abort();
        });
    }
}
