namespace AgbCode.Client.Streaming;

/// <summary>
/// A session's WebSockets. Sequential runs reuse one connection; concurrent runs each get their own, so closing one
/// run's connection (to cancel it) never takes another run down with it.
/// </summary>
internal sealed class WsConnectionPool(Func<CancellationToken, Task<WsConnection>> connect) : IAsyncDisposable
{
    private const int MaxIdle = 4;
    private readonly Stack<WsConnection> _idle = new();
    private bool _disposed;

    /// <summary>An open idle connection (reused: true) or a new one.</summary>
    public async Task<(WsConnection Connection, bool Reused)> RentAsync(CancellationToken cancellationToken)
    {
        while (TakeIdle() is WsConnection idle)
        {
            if (idle.IsOpen)
                return (idle, true);
            await idle.DisposeAsync().ConfigureAwait(false);
        }
        return (await ConnectAsync(cancellationToken).ConfigureAwait(false), false);
    }

    /// <summary>A new connection, never an idle one.</summary>
    public Task<WsConnection> ConnectAsync(CancellationToken cancellationToken)
    {
        ObjectDisposedException.ThrowIf(_disposed, this);
        return connect(cancellationToken);
    }

    /// <summary>Gives back a connection whose run has ended cleanly; anything else is closed.</summary>
    public async Task ReturnAsync(WsConnection connection)
    {
        lock (_idle)
        {
            if (!_disposed && connection.IsOpen && connection.Pending == 0 && _idle.Count < MaxIdle)
            {
                _idle.Push(connection);
                return;
            }
        }
        await connection.DisposeAsync().ConfigureAwait(false);
    }

    private WsConnection? TakeIdle()
    {
        lock (_idle)
            return _idle.Count > 0 ? _idle.Pop() : null;
    }

    public async ValueTask DisposeAsync()
    {
        WsConnection[] idle;
        lock (_idle)
        {
            _disposed = true;
            idle = [.. _idle];
            _idle.Clear();
        }
        await Task.WhenAll(idle.Select(c => c.CloseAsync("session closed"))).ConfigureAwait(false);
    }
}
