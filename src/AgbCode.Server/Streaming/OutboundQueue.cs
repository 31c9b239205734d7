using System.Net.WebSockets;
using System.Threading.Channels;

namespace AgbCode.Server.Streaming;

/// <summary>
/// The frames waiting to be sent on one WebSocket, written by one pump in order. Enqueueing never blocks (the engine
/// calls in from its reader threads); instead the bytes waiting are bounded: a client that reads so slowly that more
/// than the budget piles up is dropped, so a slow reader never grows server memory without bound.
/// </summary>
internal sealed class OutboundQueue(long budgetBytes, Action onOverflow)
{
    private readonly Channel<byte[]> _frames = Channel.CreateUnbounded<byte[]>(new UnboundedChannelOptions { SingleReader = true });
    private long _pendingBytes;
    private int _overflowed;
    private (WebSocketCloseStatus Status, string Reason)? _close;

    public long PendingBytes => Interlocked.Read(ref _pendingBytes);

    /// <summary>Queues a frame; false when the connection is over budget (and being dropped) or closing.</summary>
    public bool Enqueue(byte[] frame)
    {
        if (Volatile.Read(ref _overflowed) != 0)
            return false;
        long before = Interlocked.Add(ref _pendingBytes, frame.Length) - frame.Length;
        // one frame is always accepted into an empty queue, however large (a big image result), so the bound is budget + one frame
        if (before > 0 && before + frame.Length > budgetBytes)
        {
            Interlocked.Add(ref _pendingBytes, -frame.Length);
            if (Interlocked.Exchange(ref _overflowed, 1) == 0)
                onOverflow();
            return false;
        }
        if (_frames.Writer.TryWrite(frame))
            return true;
        Interlocked.Add(ref _pendingBytes, -frame.Length);
        return false;
    }

    /// <summary>No more frames; the pump sends what is queued, then the close frame if one is given.</summary>
    public void Complete(WebSocketCloseStatus? status = null, string reason = "")
    {
        if (status is WebSocketCloseStatus code)
            _close ??= (code, reason);
        _frames.Writer.TryComplete();
    }

    public async Task PumpAsync(WebSocket socket, CancellationToken cancellationToken)
    {
        await foreach (byte[] frame in _frames.Reader.ReadAllAsync(cancellationToken))
        {
            await socket.SendAsync(frame, WebSocketMessageType.Text, endOfMessage: true, cancellationToken);
            Interlocked.Add(ref _pendingBytes, -frame.Length);
        }
        if (_close is var (status, reason) && socket.State is WebSocketState.Open or WebSocketState.CloseReceived)
            await socket.CloseOutputAsync(status, reason, cancellationToken);
    }
}
