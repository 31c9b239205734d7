using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Pool;

/// <summary>
/// Sessions made ahead of time, so that creating one (and Invoke-AgbCode's session per run) does not wait for a sandbox,
/// a volume and a kernel start. The pool learns the demand per language (<see cref="Demand"/>): a burst of requests
/// grows the spares of its language up to the maximum, made several at once within the memory budget and the parallel
/// starts; spares above the floor go once their language has been idle. A request that finds no spare ready but one
/// being made for its language waits for that one rather than starting a second kernel beside it.
///
/// A spare must be indistinguishable from a session made for the request: it holds the kernel of one language and
/// serves only a request that asks for that language (a spare made for requests that named none holds no kernel and
/// serves any). It is handed out once; a kernel nobody asked for would show in the session's kernels and use its memory.
/// </summary>
internal sealed class SessionPool(PoolSettings settings, Func<Task<LocalSession>> create, BackgroundRemovals removals, EngineLog log) : IAsyncDisposable
{
    private readonly Demand _demand = new(settings);
    private readonly object _lock = new();
    private readonly List<Spare> _ready = [];
    private readonly List<InProgress> _making = [];
    private readonly Dictionary<string, long> _memoryOf = new(StringComparer.Ordinal);   // a ready spare's last reading, per kind
    private readonly HashSet<string> _failed = new(StringComparer.Ordinal);   // kinds whose last spare could not be made
    private long _clockShift;   // milliseconds the engine's tests moved the pool's clock ahead
    private bool _disposed;

    // The pool's clock (Environment.TickCount64, plus what the tests moved it ahead).
    private long Now => Environment.TickCount64 + Interlocked.Read(ref _clockShift);

    public static bool Fits(SessionOptions options) =>
        options.Isolation == IsolationMode.Sandbox && options.Limits == SessionLimits.Default && options.Environment.Count == 0
        && options.Image == SessionOptions.DefaultImage
        && options.Network.IsEmpty;

    /// <summary>The languages whose kernels a session for these options starts at creation, the run's language first.</summary>
    public static IReadOnlyList<string> KernelsFor(SessionOptions options) =>
        [.. new[] { options.RunLanguage }.OfType<string>().Concat(options.StartLanguages).Select(LanguageRules.Normalize).Distinct()];

    /// <summary>
    /// A spare for these options, or null (no pool, options that need their own sandbox, none ready or being made for
    /// the language asked for). The request teaches the pool which spares to make next.
    /// </summary>
    public async Task<LocalSession?> TakeAsync(SessionOptions options)
    {
        if (settings.Max == 0 || !Fits(options))
            return null;
        IReadOnlyList<string> languages = KernelsFor(options);
        string kind = languages.FirstOrDefault() ?? Demand.NoKernel;
        _demand.Record(kind, Now);
        lock (_lock)
            _failed.Remove(kind);   // a request tries again what failed before
        while (true)
        {
            LocalSession? taken;
            Task? coming;
            lock (_lock)
            {
                DiscardDead();
                Spare? spare = _ready.FirstOrDefault(s => s.Kind == kind) ?? _ready.FirstOrDefault(s => s.Kind == Demand.NoKernel);
                if (spare is not null)
                    _ready.Remove(spare);
                taken = spare?.Session;
                coming = taken is null ? _making.FirstOrDefault(m => m.Kind == kind)?.Task : null;
            }
            Refill();
            if (taken is not null || coming is null)
                return taken;
            await coming.ConfigureAwait(false);
        }
    }

    /// <summary>The spares ready now (their footprints, for leak checks).</summary>
    internal IReadOnlyList<SessionFootprint> Ready
    {
        get
        {
            lock (_lock)
                return [.. _ready.Select(s => s.Session.Footprint)];
        }
    }

    /// <summary>The kind of spare asked for last: a language, or null for none.</summary>
    internal string? Language => _demand.Last is { Length: > 0 } language ? language : null;

    /// <summary>The spares being made now.</summary>
    internal int Making
    {
        get
        {
            lock (_lock)
                return _making.Count;
        }
    }

    /// <summary>Releases the spares the demand no longer wants and starts the ones it wants, within the budget.</summary>
    public void Refill()
    {
        lock (_lock)
            RefillLocked(Now);
    }

    /// <summary>
    /// Moves the pool's clock ahead (for the engine's tests: time passing without waiting for it), then refills; returns
    /// the spares that were being made at that moment.
    /// </summary>
    internal int AdvanceClock(TimeSpan by)
    {
        lock (_lock)
        {
            Interlocked.Add(ref _clockShift, (long)by.TotalMilliseconds);
            int making = _making.Count;
            RefillLocked(Now);
            return making;
        }
    }

    private void RefillLocked(long now)
    {
        if (_disposed || settings.Max == 0)
            return;
        IReadOnlyDictionary<string, int> targets = _demand.Targets(now);
        foreach (string kind in _ready.Select(s => s.Kind).Distinct().ToList())
        {
            int surplus = Held(kind) - targets.GetValueOrDefault(kind);
            foreach (Spare spare in _ready.Where(s => s.Kind == kind).Take(Math.Max(surplus, 0)).ToList())
            {
                _ready.Remove(spare);
                removals.Start(spare.Session);
            }
        }
        foreach (var (kind, target) in targets.Where(t => !_failed.Contains(t.Key)))
        {
            int floor = kind == _demand.Last ? settings.Floor : 0;   // the floor is kept whatever its memory
            for (int held = Held(kind); _making.Count < settings.ParallelStarts && held < target && (held < floor || WithinMemory(kind)); held++)
                StartOne(kind);
        }
    }

    // The spares of this kind, ready or being made.
    private int Held(string kind) => _ready.Count(s => s.Kind == kind) + _making.Count(m => m.Kind == kind);

    // Whether one more spare of this kind keeps the spares' idle memory within the budget; a kind not yet measured counts
    // as the largest reading so far.
    private bool WithinMemory(string kind)
    {
        long estimate = _memoryOf.TryGetValue(kind, out long known) ? known : _memoryOf.Values.DefaultIfEmpty(0).Max();
        long held = _ready.Sum(s => s.MemoryBytes) + _making.Sum(m => _memoryOf.GetValueOrDefault(m.Kind));
        return held + estimate <= settings.MemoryBytes;
    }

    private void StartOne(string kind)
    {
        var making = new InProgress(kind);
        _making.Add(making);
        _demand.Started(kind, Now);
        making.Task = Task.Run(async () =>
        {
            Spare? spare = await MakeAsync(kind).ConfigureAwait(false);
            lock (_lock)
            {
                _making.Remove(making);
                _demand.Finished(kind, Now);
                if (spare is null)
                    _failed.Add(kind);   // not retried until the next request for it (the host may lack room or the runtime)
                else if (!_disposed)
                {
                    _ready.Add(spare);
                    _memoryOf[kind] = spare.MemoryBytes;
                    RefillLocked(Now);   // the next one, if the demand wants more (in the same step, so none is ready unseen)
                    return;
                }
            }
            if (spare is not null)
                removals.Start(spare.Session);   // the pool closed while it was made
        });
    }

    private async Task<Spare?> MakeAsync(string kind)
    {
        LocalSession session;
        try
        {
            session = await create().ConfigureAwait(false);
        }
        catch (Exception failure)
        {
            log.Failed("making a spare session", failure);   // CreateSessionAsync also reports why when asked
            return null;
        }
        try
        {
            if (kind != Demand.NoKernel)
                await session.StartKernelAsync(kind).ConfigureAwait(false);
            SessionUsage? usage = await session.GetUsageAsync().ConfigureAwait(false);
            return new Spare(session, kind, usage?.MemoryBytes ?? 0);
        }
        catch (Exception failure)
        {
            log.Failed($"starting the {kind} kernel of a spare session", failure);
            removals.Start(session);
            return null;
        }
    }

    // A spare whose kernel died while it waited is removed, never handed out.
    private void DiscardDead()
    {
        foreach (Spare dead in _ready.Where(s => s.Session.Kernels.Any(k => k.State != KernelState.Idle)).ToList())
        {
            _ready.Remove(dead);
            removals.Start(dead.Session);
        }
    }

    public async ValueTask DisposeAsync()
    {
        Task[] making;
        lock (_lock)
        {
            _disposed = true;
            making = [.. _making.Select(m => m.Task)];
        }
        await Task.WhenAll(making).WaitAsync(TimeSpan.FromSeconds(30)).ContinueWith(_ => { }, TaskScheduler.Default).ConfigureAwait(false);
        lock (_lock)
        {
            foreach (Spare spare in _ready)
                removals.Start(spare.Session);
            _ready.Clear();
        }
    }

    private sealed record Spare(LocalSession Session, string Kind, long MemoryBytes);

    private sealed class InProgress(string kind)
    {
        public string Kind => kind;
        public Task Task { get; set; } = Task.CompletedTask;
    }
}
