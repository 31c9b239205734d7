using System.Collections.Concurrent;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine;

/// <summary>
/// Sessions made ahead of time, so that creating one (and Invoke-AgbCode's session per run) does not wait for a sandbox,
/// a volume and a kernel start. A spare is handed out once, to a request with default limits, and another is made in
/// the background. It must be indistinguishable from a session made for the request: it holds the kernel of the
/// language the last request asked for, and serves only a request that asks for that language (a spare made for a
/// request that asked for none holds no kernel and serves any). A kernel nobody asked for would show in the session's
/// kernels and use its memory, so spares made for another language are replaced, never handed out.
/// </summary>
internal sealed class SparePool(int size, Func<Task<LocalSession>> create, EngineLog log) : IAsyncDisposable
{
    private readonly ConcurrentQueue<Spare> _spares = new();
    private readonly ConcurrentDictionary<Task, bool> _making = new();
    private volatile Wanted _wanted = new(LanguageRules.Python);
    private volatile bool _disposed;

    public static bool Fits(SessionOptions options) =>
        options.Isolation == IsolationMode.Sandbox && options.Limits == SessionLimits.Default && options.Environment.Count == 0
        && options.Image == SessionOptions.DefaultImage
        && options.Network.IsEmpty;

    /// <summary>The languages whose kernels a session for these options starts at creation, the run's language first.</summary>
    public static IReadOnlyList<string> KernelsFor(SessionOptions options) =>
        [.. new[] { options.RunLanguage }.OfType<string>().Concat(options.StartLanguages).Select(LanguageRules.Normalize).Distinct()];

    /// <summary>
    /// A ready spare for these options, or null (no pool, options that need their own sandbox, none ready for the language
    /// asked for). The request teaches the pool which spares to make next.
    /// </summary>
    public LocalSession? TryTake(SessionOptions options)
    {
        if (size == 0 || !Fits(options))
            return null;
        IReadOnlyList<string> languages = KernelsFor(options);
        _wanted = new Wanted(languages.FirstOrDefault());
        LocalSession? ready = null;
        for (int left = _spares.Count; left > 0 && _spares.TryDequeue(out Spare? spare); left--)
        {
            bool alive = spare.Session.Kernels.All(k => k.State == KernelState.Idle);
            if (ready is null && alive && (spare.Language is null || languages.Contains(spare.Language)))
                ready = spare.Session;
            else if (alive && spare.Language == _wanted.Language)
                _spares.Enqueue(spare);
            else
                log.Observe(spare.Session.DisposeAsync().AsTask(), "removing a spare session");   // its kernel died while it waited, or it was made for another language
        }
        Refill();
        return ready;
    }

    /// <summary>The spares ready now (their footprints, for leak checks).</summary>
    internal IReadOnlyList<SessionFootprint> Ready => [.. _spares.Select(s => s.Session.Footprint)];

    /// <summary>The language whose kernel the spares made next hold; null for none.</summary>
    internal string? Language => _wanted.Language;

    public void Refill()
    {
        while (!_disposed && _spares.Count + _making.Count < size)
        {
            string? language = _wanted.Language;
            Task making = Task.Run(() => MakeOneAsync(language));
            _making[making] = true;
            _ = making.ContinueWith(t => _making.TryRemove(t, out _), TaskScheduler.Default);
            log.Observe(making, "making a spare session");
        }
    }

    private async Task MakeOneAsync(string? language)
    {
        LocalSession spare;
        try
        {
            spare = await create().ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            log.Failed("making a spare session", failure);   // CreateSessionAsync also reports why when asked
            return;
        }
        try
        {
            if (language is not null)
                await spare.StartKernelAsync(language).ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            log.Failed($"starting the {language} kernel of a spare session", failure);
            await spare.DisposeAsync().ConfigureAwait(false);
            return;
        }
        _spares.Enqueue(new Spare(spare, language));
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
        while (_spares.TryDequeue(out Spare? spare))
            await spare.Session.DisposeAsync().ConfigureAwait(false);
    }

    private sealed record Spare(LocalSession Session, string? Language);

    // A reference type, so that the language asked for last (which may be none) is read and written whole.
    private sealed record Wanted(string? Language);
}
