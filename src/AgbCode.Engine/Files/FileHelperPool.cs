using AgbCode.Engine.Kernels;

namespace AgbCode.Engine.Files;

/// <summary>
/// A session's file helpers: one is kept alive between operations (started on first use, stopped after the session's
/// FileHelperIdleTimeout without an operation); operations that overlap get helpers of their own, stopped when they
/// end. A broken helper is never given out again. Closing stops them all, running or idle.
/// </summary>
internal sealed class FileHelperPool(KernelContext context, EngineLog log) : IAsyncDisposable
{
    private readonly object _gate = new();
    private readonly HashSet<FileHelper> _live = [];
    private readonly TimeSpan _idleTimeout = context.Limits.FileHelperIdleTimeout;
    private FileHelper? _idle;
    private long _idleSince;
    private Timer? _idleTimer;
    private int _started;
    private bool _closed;

    /// <summary>Whether a helper is alive now, idle or busy (for tests of its lifetime).</summary>
    internal int LiveCount
    {
        get
        {
            lock (_gate)
                return _live.Count;
        }
    }

    public async Task UseAsync(Func<FileHelper, Task> operation)
    {
        FileHelper helper = await TakeAsync().ConfigureAwait(false);
        try
        {
            await operation(helper).ConfigureAwait(false);
        }
        finally
        {
            await GiveBackAsync(helper).ConfigureAwait(false);
        }
    }

    private async Task<FileHelper> TakeAsync()
    {
        lock (_gate)
        {
            ThrowIfClosed();
            if (_idle is FileHelper idle)
            {
                _idle = null;
                return idle;
            }
        }
        FileHelper started = await FileHelper.StartAsync(context, $"helper-{Interlocked.Increment(ref _started)}").ConfigureAwait(false);
        lock (_gate)
        {
            if (!_closed)
            {
                _live.Add(started);
                log.Observe(started.Exited.ContinueWith(_ => ForgetIfIdle(started), TaskScheduler.Default), "forgetting a dead file helper");
                return started;
            }
        }
        await started.DisposeAsync().ConfigureAwait(false);   // the session was removed meanwhile
        throw SessionClosed.Error(context.SessionId);
    }

    private async Task GiveBackAsync(FileHelper helper)
    {
        lock (_gate)
        {
            if (!_closed && !helper.IsBroken && _idle is null && _idleTimeout > TimeSpan.Zero)
            {
                _idle = helper;
                _idleSince = Environment.TickCount64;
                _idleTimer ??= new Timer(_ => StopIdleHelper());
                _idleTimer.Change(_idleTimeout, Timeout.InfiniteTimeSpan);
                return;
            }
        }
        await StopAsync(helper).ConfigureAwait(false);
    }

    private void StopIdleHelper()
    {
        FileHelper? idle;
        lock (_gate)
        {
            idle = _idle;
            if (idle is null)
                return;
            TimeSpan left = _idleTimeout - TimeSpan.FromMilliseconds(Environment.TickCount64 - _idleSince);
            if (left > TimeSpan.Zero)
            {
                _idleTimer?.Change(left, Timeout.InfiniteTimeSpan);   // used again since the timer was set
                return;
            }
            _idle = null;
        }
        log.Observe(StopAsync(idle), "stopping an idle file helper");
    }

    /// <summary>A helper that died while idle (killed from outside, or by the OOM killer) is not given out.</summary>
    private void ForgetIfIdle(FileHelper helper)
    {
        lock (_gate)
        {
            if (_idle != helper)
                return;
            _idle = null;
        }
        log.Observe(StopAsync(helper), "stopping a dead file helper");
    }

    private async Task StopAsync(FileHelper helper)
    {
        await helper.DisposeAsync().ConfigureAwait(false);
        lock (_gate)
            _live.Remove(helper);
    }

    private void ThrowIfClosed()
    {
        if (_closed)
            throw SessionClosed.Error(context.SessionId);
    }

    /// <summary>No helper is given out any more; every one, running or idle, is stopped. Called before the workspace goes.</summary>
    public async ValueTask DisposeAsync()
    {
        FileHelper[] live;
        lock (_gate)
        {
            _closed = true;
            _idle = null;
            live = [.. _live];
        }
        if (_idleTimer is not null)
            await _idleTimer.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(live.Select(StopAsync)).ConfigureAwait(false);
    }
}
