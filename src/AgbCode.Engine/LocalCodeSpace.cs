using System.Collections.Concurrent;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Images;
using AgbCode.Core.Images;
using AgbCode.Core.Contexts;
using AgbCode.Engine.Contexts;
using AgbCode.Engine.Pool;

namespace AgbCode.Engine;

/// <summary>
/// The embedded engine: sessions in bubblewrap sandboxes on this host. <see cref="Shared"/> is the process-wide
/// instance (every runspace sees the same sessions); when the process exits, every session is removed.
/// </summary>
public sealed class LocalCodeSpace : ICodeSpace, IAsyncDisposable
{
    private static readonly Lazy<LocalCodeSpace> SharedSpace = new(() => new LocalCodeSpace(PoolSettings.FromEnvironment()));
    private static readonly ConcurrentDictionary<LocalCodeSpace, bool> Live = new();
    private readonly ConcurrentDictionary<string, LocalSession> _sessions = new(StringComparer.Ordinal);

    static LocalCodeSpace()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ShutdownAll();
    }

    private readonly Timer _idleRelease;
    private readonly SessionPool _spares;
    private readonly BackgroundRemovals _removals;
    private readonly ImageCatalog _images;
    private readonly ContextLimits? _contextLimits;
    private readonly ConcurrentDictionary<string, LocalContextStore> _contextStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LocalSession, bool> _contextFileSessions = new();
    private readonly EngineLog _log;

    /// <param name="spareSessions">
    /// Sessions to keep made ahead of time (sandbox, volume and a running kernel), so that new sessions with default
    /// limits are ready at once; 0 makes every session when asked.
    /// </param>
    /// <param name="images">Where the images are declared; default: <see cref="ImageCatalog.FromEnvironment"/>.</param>
    /// <param name="contextLimits">The limits on contexts; default: <see cref="ContextLimits.FromEnvironment"/>.</param>
    /// <param name="log">Where failures no caller sees are reported; default: nowhere.</param>
    public LocalCodeSpace(int spareSessions = 0, ImageCatalog? images = null, ContextLimits? contextLimits = null, EngineLog? log = null)
        : this(PoolSettings.Fixed(spareSessions), images, contextLimits, log)
    {
    }

    /// <param name="pool">How many sessions to make ahead of time, and within which budget.</param>
    /// <param name="images">Where the images are declared; default: <see cref="ImageCatalog.FromEnvironment"/>.</param>
    /// <param name="contextLimits">The limits on contexts; default: <see cref="ContextLimits.FromEnvironment"/>.</param>
    /// <param name="log">Where failures no caller sees are reported; default: nowhere.</param>
    public LocalCodeSpace(PoolSettings pool, ImageCatalog? images = null, ContextLimits? contextLimits = null, EngineLog? log = null)
    {
        _contextLimits = contextLimits;
        Live[this] = true;
        _log = log ?? EngineLog.None;
        _images = images ?? ImageCatalog.FromEnvironment();
        _removals = new BackgroundRemovals(pool.PendingRemovals);
        _spares = new SessionPool(pool, () => LocalSession.CreateAsync(SessionIds.New(), new SessionOptions(), Image(SessionOptions.DefaultImage), EngineHost.Shared, _log),
            _removals, _log);
        _idleRelease = new Timer(_ => ReleaseIdleSessions(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
    }

    /// <summary>The image with this name, its extra folder checked (never inside the engine's state or workspaces).</summary>
    private CodeImage Image(string name)
    {
        StateRoot root = EngineHost.Shared.Root;
        return _images.Resolve(name, [root.Path, root.WorkspaceRoot]);
    }

    /// <summary>Checks every declared image now, so that a server refuses to start with a bad one.</summary>
    public void CheckImages()
    {
        foreach (string name in _images.Names())
            Image(name);
    }

    /// <summary>The spare sessions ready now.</summary>
    internal IReadOnlyList<SessionFootprint> Spares => _spares.Ready;

    /// <summary>The language whose kernel the spares made next hold (null: none), the one the last request asked for.</summary>
    internal string? SpareLanguage => _spares.Language;

    /// <summary>The spares being made now.</summary>
    internal int SparesMaking => _spares.Making;

    /// <summary>
    /// Moves the pool's clock <paramref name="later"/> ahead and applies its idle release (for the engine's tests); returns
    /// the spares that were being made at that moment.
    /// </summary>
    internal int ReleaseIdleSpares(TimeSpan later) => _spares.AdvanceClock(later);

    /// <summary>Sessions being removed behind their callers now (<see cref="DeleteSessionInBackgroundAsync"/>).</summary>
    internal int PendingRemovals => _removals.Count;

    /// <summary>
    /// Sessions created with an idle timeout are removed once they have had no request for that long; spares whose
    /// language has been idle go too.
    /// </summary>
    private void ReleaseIdleSessions()
    {
        foreach (LocalSession session in _sessions.Values.Where(s => s.IsIdleExpired))
            _log.Observe(DeleteSessionAsync(session.Id), $"removing idle session {session.Id}");
        _spares.Refill();
    }

    public static LocalCodeSpace Shared => SharedSpace.Value;

    /// <summary>Whether <see cref="Shared"/> exists yet (listing sessions should not start an engine).</summary>
    public static bool IsSharedCreated => SharedSpace.IsValueCreated;

    public string Location => "local";

    /// <summary>
    /// Whether this engine's sessions get cgroup limits (memory, CPU, processes): always for a root engine on a host with
    /// cgroups, and for an engine that is not root when the host delegates a cgroup v2 subtree to its user.
    /// </summary>
    public static bool HasCgroupLimits => EngineHost.Shared.Cgroups is not null;

    public Task<ICodeSession> CreateSessionAsync(SessionOptions options, CancellationToken cancellationToken = default)
    {
        SessionOptions valid = options with { Limits = options.Limits.Validated() };
        SessionEnvironment.Check(valid.Environment);
        return Task.Run<ICodeSession>(async () =>
        {
            LocalSession session = await MakeSessionAsync(valid, cancellationToken).ConfigureAwait(false);
            _sessions[session.Id] = session;
            try
            {
                foreach (string language in SessionPool.KernelsFor(valid))
                    await session.StartKernelAsync(language, cancellationToken: cancellationToken).ConfigureAwait(false);
            }
            catch
            {
                await DeleteSessionAsync(session.Id, CancellationToken.None).ConfigureAwait(false);
                throw;
            }
            return session;
        }, cancellationToken);
    }

    /// <summary>A spare when one fits; a session with contexts is always made for them (a spare has no mounts).</summary>
    private async Task<LocalSession> MakeSessionAsync(SessionOptions valid, CancellationToken cancellationToken)
    {
        CodeImage image = Image(valid.Image);
        LocalSession session = valid.Contexts.Count == 0
            ? await _spares.TakeAsync(valid).ConfigureAwait(false)
              ?? await LocalSession.CreateAsync(SessionIds.New(), valid, image, EngineHost.Shared, _log, cancellationToken: cancellationToken).ConfigureAwait(false)
            : await WithContextsAsync(valid, image, cancellationToken).ConfigureAwait(false);
        session.Adopt(valid);
        return session;
    }

    private async Task<LocalSession> WithContextsAsync(SessionOptions valid, CodeImage image, CancellationToken cancellationToken)
    {
        if (valid.Isolation != IsolationMode.Sandbox)
            throw new AgbException(AgbErrorKind.BadInput, ContextErrors.NeedsSandboxId,
                "A context mounts inside the session's sandbox, and a session with isolation None has none.",
                "Leave -Isolation at Sandbox for sessions that mount contexts.");
        string id = SessionIds.New();
        SessionContexts contexts = ((LocalContextStore)ContextsOf(valid.Tenant)).Claim(valid.Contexts, valid.ContextHolder ?? id);
        try
        {
            return await LocalSession.CreateAsync(id, valid, image, EngineHost.Shared, _log, contexts, cancellationToken).ConfigureAwait(false);
        }
        catch
        {
            await contexts.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    public Task<ICodeSession?> GetSessionAsync(string sessionId, CancellationToken cancellationToken = default) =>
        Task.FromResult<ICodeSession?>(_sessions.GetValueOrDefault(sessionId));

    public Task<IReadOnlyList<ICodeSession>> ListSessionsAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult<IReadOnlyList<ICodeSession>>([.. _sessions.Values.OrderBy(s => s.CreatedAt)]);

    public Task<IReadOnlyList<LanguageSupport>> GetLanguagesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(Languages.Value);

    private static readonly Lazy<IReadOnlyList<LanguageSupport>> Languages = new(() =>
    [
        .. LanguageRules.All.Select(language =>
        {
            LanguageDriver? driver = LanguageDriver.For(language.Name);
            if (driver is null)
                return new LanguageSupport(language.Name, false, null, "the local engine has no kernel for it yet");
            string? reason = driver.Unavailability(EngineHost.IsCreated ? EngineHost.Shared.Runtime.DriversDir : null);
            string? runtime = reason is null ? driver.DetectRuntime() : null;
            return runtime is null
                ? new LanguageSupport(language.Name, false, null, reason ?? $"{driver.Executable} does not report a version")
                : new LanguageSupport(language.Name, true, runtime, null);
        }),
    ]);

    public Task<IReadOnlyList<string>> ListImagesAsync(CancellationToken cancellationToken = default) =>
        Task.FromResult(_images.Names());

    public Task<IReadOnlyList<ImagePackage>> GetImagePackagesAsync(string image, CancellationToken cancellationToken = default)
    {
        CodeImage resolved = Image(image);
        return Task.Run(() => ImagePackages.Of(resolved), cancellationToken);
    }

    /// <summary>The contexts of the engine's own user.</summary>
    public IContextStore Contexts => ContextsOf(null);

    /// <summary>One tenant's contexts (a server's); null is the engine's own user. Tenants never see each other's.</summary>
    public IContextStore ContextsOf(string? tenant) =>
        _contextStores.GetOrAdd(tenant ?? "", _ => new LocalContextStore(this, tenant, _contextLimits ?? ContextLimits.FromEnvironment()));

    /// <summary>The names of the engine's own user's contexts on this host, read without starting an engine.</summary>
    public static IReadOnlyList<string> SavedContextNames() => LocalContextStore.SavedNames(StateRoot.Resolve());

    /// <summary>A context's files, through an internal session (no kernel, not listed) that mounts it as its home.</summary>
    internal Task<IContextFiles> OpenContextFilesAsync(LocalContextStore store, string context, CancellationToken cancellationToken) => Task.Run<IContextFiles>(async () =>
    {
        var options = new SessionOptions { Contexts = [new ContextMount(context, Sandbox.SandboxLauncher.Home)], Tenant = store.Tenant };
        LocalSession session = await WithContextsAsync(options, Image(options.Image), cancellationToken).ConfigureAwait(false);
        _contextFileSessions[session] = true;
        ContextInfo info = await store.GetAsync(context, cancellationToken).ConfigureAwait(false) ?? throw ContextErrors.NotFound(context);
        return new ContextRootFiles(info, session.Files, async () =>
        {
            _contextFileSessions.TryRemove(session, out _);
            await session.DisposeAsync().ConfigureAwait(false);
        });
    }, cancellationToken);

    public async Task<bool> DeleteSessionAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!_sessions.TryRemove(sessionId, out LocalSession? session))
            return false;
        await session.DisposeAsync().ConfigureAwait(false);
        return true;
    }

    /// <summary>
    /// Takes the session out of the engine at once (it is no longer listed, found or run in) and removes it behind the
    /// caller: returns once its removal has started, waiting only while <see cref="PoolSettings.PendingRemovals"/> are
    /// under way. Failures are kept for <see cref="TakeRemovalFailures"/>; the engine waits for every removal when it is
    /// disposed and when the process exits. Returns false when there is no such session. A session that mounts contexts
    /// is removed before this returns: the next input may mount the same context, and a context has one session at a time.
    /// </summary>
    public async Task<bool> DeleteSessionInBackgroundAsync(string sessionId, CancellationToken cancellationToken = default)
    {
        if (!_sessions.TryRemove(sessionId, out LocalSession? session))
            return false;
        if (session.MountsContexts)
        {
            await session.DisposeAsync().ConfigureAwait(false);
            return true;
        }
        try
        {
            await _removals.StartAsync(session, cancellationToken).ConfigureAwait(false);
        }
        catch (OperationCanceledException)
        {
            _removals.Start(session);   // the caller stopped waiting for a free slot; the session still goes
            throw;
        }
        return true;
    }

    /// <summary>What went wrong in background removals since the last call (one line each, naming the session).</summary>
    public IReadOnlyList<string> TakeRemovalFailures() => _removals.TakeFailures();

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        await _idleRelease.DisposeAsync().ConfigureAwait(false);
        await _spares.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_sessions.Keys.Select(id => DeleteSessionAsync(id))
            .Concat(_contextFileSessions.Keys.Select(s => s.DisposeAsync().AsTask()))).ConfigureAwait(false);
        await _removals.DrainAsync(TimeSpan.FromSeconds(30)).ConfigureAwait(false);
    }

    private static void ShutdownAll()
    {
        try
        {
            Task.WhenAll(Live.Keys.Select(space => space.DisposeAsync().AsTask())).Wait(TimeSpan.FromSeconds(20));
        }
        catch (AggregateException) { }
        if (EngineHost.IsCreated)
            EngineHost.Shared.Dispose();
    }
}
