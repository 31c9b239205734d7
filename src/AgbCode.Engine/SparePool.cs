using System.Collections.Concurrent;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine;

/// <summary>
/// Sessions made ahead of time, so that creating one (and Invoke-AgbCode's session per run) does not wait for a sandbox,
/// a volume and a kernel start: each spare has default limits and a running kernel for the language used last. A spare
/// is handed out once, to a request with default limits, and another is made in the background.
/// </summary>
internal sealed class SparePool(int size, Func<LocalSession> create) : IAsyncDisposable
{
    private readonly ConcurrentQueue<LocalSession> _spares = new();
    private readonly ConcurrentDictionary<Task, bool> _making = new();
    private volatile string _language = LanguageRules.Python;
    private volatile bool _disposed;

    public static bool Fits(SessionOptions options) =>
        options.Isolation == IsolationMode.Sandbox && options.Limits == SessionLimits.Default && options.Environment.Count == 0
        && options.Network.IsEmpty;

    /// <summary>A ready spare for these options, or null (no pool, options that need their own sandbox, none ready).</summary>
    public LocalSession? TryTake(SessionOptions options)
    {
        if (size == 0 || !Fits(options))
            return null;
        LocalSession? ready = null;
        while (ready is null && _spares.TryDequeue(out LocalSession? spare))
        {
            if (spare.Kernels.All(k => k.State == KernelState.Idle))
                ready = spare;
            else
                _ = spare.DisposeAsync().AsTask();   // its kernel died while it waited
        }
        Refill();
        return ready;
    }

    /// <summary>The spares ready now (their footprints, for leak checks).</summary>
    internal IReadOnlyList<SessionFootprint> Ready => [.. _spares.Select(s => s.Footprint)];

    /// <summary>The language whose kernel the next spares start.</summary>
    public void Learn(string language) => _language = language;

    public void Refill()
    {
        while (!_disposed && _spares.Count + _making.Count < size)
        {
            Task making = Task.Run(MakeOneAsync);
            _making[making] = true;
            _ = making.ContinueWith(t => _making.TryRemove(t, out _), TaskScheduler.Default);
        }
    }

    private async Task MakeOneAsync()
    {
        LocalSession spare;
        try
        {
            spare = create();
        }
        catch (Exception)
        {
            return;   // the host cannot make sessions right now; CreateSessionAsync reports why when asked
        }
        try
        {
            await spare.StartKernelAsync(_language).ConfigureAwait(false);
        }
        catch (Exception)
        {
            await spare.DisposeAsync().ConfigureAwait(false);
            return;
        }
        _spares.Enqueue(spare);
        if (_disposed)
            await DrainAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        _disposed = true;
        await Task.WhenAll(_making.Keys).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        await DrainAsync().ConfigureAwait(false);
    }

    private async Task DrainAsync()
    {
        while (_spares.TryDequeue(out LocalSession? spare))
            await spare.DisposeAsync().ConfigureAwait(false);
    }
}
