using AgbCode.Server.Api;

namespace AgbCode.Server.Ops;

/// <summary>
/// Graceful shutdown of runs: once stopping begins no new run or session is accepted, runs in progress get
/// AGBCODE_SHUTDOWN_GRACE_SEC to finish, then they are cancelled. Sessions are removed after that (ShutdownService).
/// </summary>
public sealed class ShutdownCoordinator : IDisposable
{
    private readonly CancellationTokenSource _stopping = new();
    private readonly CancellationTokenSource _cancelRuns = new();
    private readonly object _gate = new();
    private TaskCompletionSource _drained = Completed();
    private int _inflight;

    public bool IsStopping => _stopping.IsCancellationRequested;
    /// <summary>Cancelled when shutdown begins: stop taking new work.</summary>
    public CancellationToken Stopping => _stopping.Token;
    /// <summary>Cancelled when the grace period is over: runs still going are cancelled.</summary>
    public CancellationToken RunsCancelled => _cancelRuns.Token;

    /// <summary>Counts a run in; dispose the lease when it ends. Throws the 503 answer once shutdown has begun.</summary>
    public IDisposable BeginRun()
    {
        lock (_gate)
        {
            if (IsStopping)
                throw ApiError.ShuttingDown();
            if (_inflight++ == 0)
                _drained = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        }
        return new Lease(this);
    }

    public void BeginShutdown(TimeSpan grace)
    {
        lock (_gate)
            _stopping.Cancel();
        _cancelRuns.CancelAfter(grace);
    }

    /// <summary>Completes when no run is in progress (or after <paramref name="atMost"/>).</summary>
    public async Task WaitForRunsAsync(TimeSpan atMost)
    {
        Task drained;
        lock (_gate)
            drained = _drained.Task;
        await drained.WaitAsync(atMost).ContinueWith(_ => { }, TaskScheduler.Default);
    }

    private void EndRun()
    {
        lock (_gate)
        {
            if (--_inflight == 0)
                _drained.TrySetResult();
        }
    }

    private static TaskCompletionSource Completed()
    {
        var done = new TaskCompletionSource();
        done.SetResult();
        return done;
    }

    public void Dispose()
    {
        _stopping.Dispose();
        _cancelRuns.Dispose();
    }

    private sealed class Lease(ShutdownCoordinator owner) : IDisposable
    {
        private int _disposed;

        public void Dispose()
        {
            if (Interlocked.Exchange(ref _disposed, 1) == 0)
                owner.EndRun();
        }
    }
}
