using System.Collections.Concurrent;

namespace AgbCode.Engine.Pool;

/// <summary>
/// Sessions being removed behind their callers (a run's own session, spares the pool no longer wants). At most
/// <c>bound</c> at once: a caller past it waits for one to finish, so removals never pile up faster than the host does
/// them. A failed removal is kept to be reported; the engine waits for all of them before it is gone.
/// </summary>
internal sealed class BackgroundRemovals(int bound)
{
    private readonly ConcurrentDictionary<Task, bool> _pending = new();
    private readonly ConcurrentQueue<string> _failures = new();
    private readonly SemaphoreSlim _slots = new(bound, bound);

    public int Count => _pending.Count;

    /// <summary>Starts removing the session once a slot is free; returns when it has started.</summary>
    public async Task StartAsync(LocalSession session, CancellationToken cancellationToken = default)
    {
        await _slots.WaitAsync(cancellationToken).ConfigureAwait(false);
        Track(RemoveAsync(session, holdsSlot: true));
    }

    /// <summary>Starts removing the session at once (the pool's discards, which its size already bounds; never a caller's).</summary>
    public void Start(LocalSession session) => Track(RemoveAsync(session, holdsSlot: false));

    private void Track(Task removal)
    {
        _pending[removal] = true;
        _ = removal.ContinueWith(t => _pending.TryRemove(t, out _), CancellationToken.None, TaskContinuationOptions.ExecuteSynchronously, TaskScheduler.Default);
    }

    private async Task RemoveAsync(LocalSession session, bool holdsSlot)
    {
        try
        {
            await Task.Yield();   // off the caller's thread
            await session.DisposeAsync().ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            _failures.Enqueue($"Removing session {session.Id} failed: {failure.Message}");
        }
        finally
        {
            if (holdsSlot)
                _slots.Release();
        }
    }

    /// <summary>The failures since the last call, each naming its session.</summary>
    public IReadOnlyList<string> TakeFailures()
    {
        var taken = new List<string>();
        while (_failures.TryDequeue(out string? failure))
            taken.Add(failure);
        return taken;
    }

    /// <summary>Waits until every removal started so far is done (or the bound passes).</summary>
    public Task DrainAsync(TimeSpan bound) =>
        Task.WhenAll(_pending.Keys).WaitAsync(bound).ContinueWith(_ => { }, TaskScheduler.Default);
}
