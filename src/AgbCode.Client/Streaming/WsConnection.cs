using System.Collections.Concurrent;
using System.Net.WebSockets;
using System.Text;
using AgbCode.Client.Http;
using AgbCode.Core.Errors;

namespace AgbCode.Client.Streaming;

/// <summary>
/// One WebSocket to a session. A ClientWebSocket allows one outstanding receive and one outstanding send: the receive
/// loop owns ReceiveAsync, every send goes through a semaphore. Frames are routed to invocations by id; heartbeats keep
/// the connection honest. When the connection ends, every invocation on it fails; nothing is resumed.
/// </summary>
internal sealed class WsConnection : IAsyncDisposable
{
    private const int MaxMessageBytes = 64 * 1024 * 1024;
    private static readonly TimeSpan CloseWait = TimeSpan.FromSeconds(2);

    private readonly ClientWebSocket _socket;
    private readonly string _target;
    private readonly TimeSpan _heartbeat;
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly ConcurrentDictionary<string, IWsListener> _listeners = new(StringComparer.Ordinal);
    private readonly CancellationTokenSource _stop = new();
    private readonly Task _receiving;
    private readonly Task _beating;
    private int _ended;
    private int _disposed;
    private long _lastPingSent;
    private long _lastPong;

    private WsConnection(ClientWebSocket socket, string target, TimeSpan heartbeat)
    {
        _socket = socket;
        _target = target;
        _heartbeat = heartbeat;
        _receiving = Task.Run(ReceiveLoopAsync);
        _beating = Task.Run(HeartbeatLoopAsync);
    }

    /// <summary>True while frames can still be sent and received.</summary>
    public bool IsOpen => Volatile.Read(ref _ended) == 0 && _socket.State == WebSocketState.Open;

    public int Pending => _listeners.Count;

    /// <summary>Why the connection ended, once it has.</summary>
    public string? EndReason { get; private set; }

    /// <summary>
    /// Opens the socket with the session token in <c>X-Access-Token</c>, through <paramref name="invoker"/> when given (a
    /// local socket endpoint's handler). A refused handshake or an unreachable host becomes an AgbException naming the
    /// URL (without its query) and the fix.
    /// </summary>
    public static async Task<WsConnection> ConnectAsync(Uri url, string token, string sessionId, string endpoint, AgbClientOptions options,
        HttpMessageInvoker? invoker, CancellationToken cancellationToken)
    {
        var socket = new ClientWebSocket();
        socket.Options.SetRequestHeader("X-Access-Token", token);
        socket.Options.CollectHttpResponseDetails = true;
        string shown = Redact.Url(url);
        using var limit = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
        limit.CancelAfter(options.ConnectTimeout);
        try
        {
            await socket.ConnectAsync(url, invoker, limit.Token).ConfigureAwait(false);
            return new WsConnection(socket, shown, options.HeartbeatInterval);
        }
        catch (Exception e)
        {
            int status = (int)socket.HttpStatusCode;
            socket.Dispose();
            AgbException? failure = e switch
            {
                OperationCanceledException when cancellationToken.IsCancellationRequested => null,
                OperationCanceledException => AgbErrors.Connection(shown, $"no WebSocket handshake within {ApiTransport.Seconds(options.ConnectTimeout)}"),
                _ when status is 401 or 403 => AgbErrors.TokenRefused(shown, status),
                _ when status is 404 or 410 => AgbErrors.NotFound(sessionId, endpoint),
                _ when status != 0 => AgbErrors.Connection(shown, $"the WebSocket handshake was rejected with HTTP {status}", e),
                _ when TransportFailure.IsTransport(e) => AgbErrors.Connection(shown, TransportFailure.Describe(e), e),
                _ => null,
            };
            if (failure is null)
                throw;
            throw failure;
        }
    }

    /// <summary>Registers the invocation's listener, then sends its first frame.</summary>
    public async Task StartAsync(string invocationId, string frame, IWsListener listener, CancellationToken cancellationToken)
    {
        _listeners[invocationId] = listener;
        try
        {
            await SendAsync(frame, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            _listeners.TryRemove(invocationId, out _);
            throw;
        }
    }

    /// <summary>Stops routing frames to the invocation (it ended); later frames for it are dropped.</summary>
    public void Forget(string invocationId) => _listeners.TryRemove(invocationId, out _);

    private async Task SendAsync(string text, CancellationToken cancellationToken)
    {
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        await _sendLock.WaitAsync(cancellationToken).ConfigureAwait(false);
        try
        {
            if (!IsOpen)
                throw new WsStreamException($"WS connection closed: {EndReason ?? "not open"}");
            // Not the caller's token: cancelling a pending socket operation aborts the whole socket (every run on it, and
            // the close frame a cancelled run owes the server). A run that is cancelled closes the connection instead.
            await _socket.SendAsync(bytes, WebSocketMessageType.Text, endOfMessage: true, _stop.Token).ConfigureAwait(false);
        }
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException)
        {
            End($"send failed: {e.Message}");
            throw new WsStreamException($"WS connection closed: {EndReason}");
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReceiveLoopAsync()
    {
        var buffer = new byte[64 * 1024];
        var message = new MemoryStream();
        try
        {
            while (true)
            {
                ValueWebSocketReceiveResult received = await _socket.ReceiveAsync(buffer.AsMemory(), _stop.Token).ConfigureAwait(false);
                if (received.MessageType == WebSocketMessageType.Close)
                {
                    End($"closed by the server ({_socket.CloseStatus}{(string.IsNullOrEmpty(_socket.CloseStatusDescription) ? "" : ": " + _socket.CloseStatusDescription)})");
                    return;
                }
                if (message.Length + received.Count > MaxMessageBytes)
                {
                    End($"a frame exceeded {MaxMessageBytes / (1024 * 1024)} MiB");
                    return;
                }
                message.Write(buffer, 0, received.Count);
                if (!received.EndOfMessage)
                    continue;
                if (received.MessageType == WebSocketMessageType.Text)
                    await DispatchAsync(Encoding.UTF8.GetString(message.GetBuffer(), 0, (int)message.Length)).ConfigureAwait(false);
                message.SetLength(0);
            }
        }
        catch (OperationCanceledException) when (_stop.IsCancellationRequested)
        {
        }
        // A socket aborted under a pending receive (a failed heartbeat) throws OperationCanceledException("Aborted").
        catch (Exception e) when (e is WebSocketException or IOException or ObjectDisposedException or OperationCanceledException)
        {
            End($"connection lost: {e.Message}");
        }
        finally
        {
            End("connection closed");
        }
    }

    private async Task DispatchAsync(string text)
    {
        WsFrames.Incoming frame = WsFrames.Read(text);
        switch (frame.Kind)
        {
            case WsFrames.Kind.Pong:
                Interlocked.Exchange(ref _lastPong, Environment.TickCount64);
                break;
            case WsFrames.Kind.Ping:
                try { await SendAsync(WsFrames.Pong, _stop.Token).ConfigureAwait(false); }
                catch (Exception e) when (e is WsStreamException or OperationCanceledException) { }
                break;
            case WsFrames.Kind.Message when _listeners.TryGetValue(frame.InvocationId!, out IWsListener? listener):
                try
                {
                    listener.OnData(frame.Data);
                }
                catch (Exception e)   // an observer that throws ends its own run, not the connection's loop
                {
                    if (_listeners.TryRemove(frame.InvocationId!, out _))
                        listener.OnFailure(new WsStreamException($"the run's output handler failed: {e.Message}"));
                }
                break;
            case WsFrames.Kind.Invalid when frame.InvocationId is not null && _listeners.TryRemove(frame.InvocationId, out IWsListener? listener):
                listener.OnFailure(new WsStreamException($"WS protocol error: {frame.Problem}"));
                break;
            // Push messages for no pending invocation (and late frames of a finished one) are dropped, as in the SDK.
        }
    }

    // An endpoint that has answered a ping must keep answering: two intervals in a row without the awaited pong mean
    // the connection is dead even when TCP has not noticed yet. An endpoint that never answers is only kept busy.
    private async Task HeartbeatLoopAsync()
    {
        using var timer = new PeriodicTimer(_heartbeat);
        int missed = 0;
        try
        {
            while (await timer.WaitForNextTickAsync(_stop.Token).ConfigureAwait(false))
            {
                long lastPong = Interlocked.Read(ref _lastPong);
                missed = lastPong != 0 && lastPong < Interlocked.Read(ref _lastPingSent) ? missed + 1 : 0;
                if (missed >= 2)
                {
                    End($"heartbeat failed: no pong within {ApiTransport.Seconds(2 * _heartbeat)}");
                    _socket.Abort();
                    return;
                }
                if (missed == 0)
                    Interlocked.Exchange(ref _lastPingSent, Environment.TickCount64);
                await SendAsync(WsFrames.Ping, _stop.Token).ConfigureAwait(false);
            }
        }
        catch (Exception e) when (e is OperationCanceledException or WsStreamException)
        {
        }
    }

    /// <summary>Marks the connection ended and fails every invocation still on it.</summary>
    private void End(string reason)
    {
        if (Interlocked.CompareExchange(ref _ended, 1, 0) != 0)
            return;
        EndReason = reason;
        foreach (string id in _listeners.Keys)
            if (_listeners.TryRemove(id, out IWsListener? listener))
                listener.OnFailure(new WsStreamException($"WS connection closed: {reason}"));
    }

    /// <summary>
    /// Closes the connection: a close frame, a short wait for the server's, then an abort. A server that cancels on
    /// disconnect stops whatever was running on this connection.
    /// </summary>
    public async Task CloseAsync(string reason)
    {
        End(reason);
        if (_socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
        {
            using var limit = new CancellationTokenSource(CloseWait);
            try
            {
                await _sendLock.WaitAsync(limit.Token).ConfigureAwait(false);
                try { await _socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, reason, limit.Token).ConfigureAwait(false); }
                finally { _sendLock.Release(); }
                await _receiving.WaitAsync(limit.Token).ConfigureAwait(false);
            }
            catch (Exception e) when (e is OperationCanceledException or WebSocketException or IOException or ObjectDisposedException)
            {
            }
        }
        await DisposeAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _disposed, 1) != 0)
            return;
        End("closed by the client");
        _stop.Cancel();
        _socket.Abort();
        await Task.WhenAll(_receiving, _beating).ConfigureAwait(false);
        _socket.Dispose();
        _stop.Dispose();
    }

    public override string ToString() => _target;
}
