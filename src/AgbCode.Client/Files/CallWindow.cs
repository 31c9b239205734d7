using System.Runtime.ExceptionServices;

namespace AgbCode.Client.Files;

/// <summary>
/// Calls run side by side, at most <c>width</c> at once. The first failure cancels the others and is the one thrown (by
/// the next <see cref="StartAsync"/> or by <see cref="DrainAsync"/>), not the cancellations it caused.
/// </summary>
internal sealed class CallWindow(int width, CancellationToken cancellationToken) : IAsyncDisposable
{
    private readonly CancellationTokenSource _stop = CancellationTokenSource.CreateLinkedTokenSource(cancellationToken);
    private readonly List<Task> _running = [];
    private Exception? _first;

    public async Task StartAsync(Func<CancellationToken, Task> call)
    {
        while (_running.Count >= width)
            await FinishOneAsync().ConfigureAwait(false);
        _running.Add(RunAsync(call));
    }

    /// <summary>Waits for every call started so far.</summary>
    public async Task DrainAsync()
    {
        while (_running.Count > 0)
            await FinishOneAsync().ConfigureAwait(false);
    }

    private async Task FinishOneAsync()
    {
        Task done = await Task.WhenAny(_running).ConfigureAwait(false);
        _running.Remove(done);
        if (done.IsCompletedSuccessfully)
            return;
        await StopAsync().ConfigureAwait(false);
        ExceptionDispatchInfo.Throw(_first ?? done.Exception?.InnerException ?? new OperationCanceledException(cancellationToken));
    }

    private async Task RunAsync(Func<CancellationToken, Task> call)
    {
        try
        {
            await call(_stop.Token).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            Interlocked.CompareExchange(ref _first, failure, null);
            _stop.Cancel();
            throw;
        }
    }

    /// <summary>Cancels what still runs and waits for it to end (its failures are the first failure's consequences).</summary>
    private async Task StopAsync()
    {
        _stop.Cancel();
        try
        {
            await Task.WhenAll(_running).ConfigureAwait(false);
        }
        catch (Exception) { }
        _running.Clear();
    }

    public async ValueTask DisposeAsync()
    {
        await StopAsync().ConfigureAwait(false);
        _stop.Dispose();
    }
}
