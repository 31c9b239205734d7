using System.Collections.Concurrent;
using System.Security.Cryptography;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Host;
using AgbCode.Engine.Images;
using AgbCode.Core.Images;
using AgbCode.Core.Contexts;
using AgbCode.Engine.Contexts;

namespace AgbCode.Engine;

/// <summary>
/// The embedded engine: sessions in bubblewrap sandboxes on this host. <see cref="Shared"/> is the process-wide
/// instance (every runspace sees the same sessions); when the process exits, every session is removed.
/// </summary>
public sealed class LocalCodeSpace : ICodeSpace, IAsyncDisposable
{
    public const string SpareSessionsVariable = "AGBCODE_SPARE_SESSIONS";
    private static readonly Lazy<LocalCodeSpace> SharedSpace = new(() => new LocalCodeSpace(SpareSessionsFromEnvironment()));
    private static readonly ConcurrentDictionary<LocalCodeSpace, bool> Live = new();
    private readonly ConcurrentDictionary<string, LocalSession> _sessions = new(StringComparer.Ordinal);

    static LocalCodeSpace()
    {
        AppDomain.CurrentDomain.ProcessExit += (_, _) => ShutdownAll();
    }

    private readonly Timer _idleRelease;
    private readonly SparePool _spares;
    private readonly ImageCatalog _images;
    private readonly ContextLimits? _contextLimits;
    private readonly ConcurrentDictionary<string, LocalContextStore> _contextStores = new(StringComparer.Ordinal);
    private readonly ConcurrentDictionary<LocalSession, bool> _contextFileSessions = new();

    /// <param name="spareSessions">
    /// Sessions to keep made ahead of time (sandbox, volume and a running kernel), so that new sessions with default
    /// limits are ready at once; 0 makes every session when asked.
    /// </param>
    /// <param name="images">Where the images are declared; default: <see cref="ImageCatalog.FromEnvironment"/>.</param>
    /// <param name="contextLimits">The limits on contexts; default: <see cref="ContextLimits.FromEnvironment"/>.</param>
    public LocalCodeSpace(int spareSessions = 0, ImageCatalog? images = null, ContextLimits? contextLimits = null)
    {
        _contextLimits = contextLimits;
        Live[this] = true;
        _images = images ?? ImageCatalog.FromEnvironment();
        _idleRelease = new Timer(_ => ReleaseIdleSessions(), null, TimeSpan.FromSeconds(1), TimeSpan.FromSeconds(1));
        _spares = new SparePool(spareSessions, () => LocalSession.Create(NewSessionId(), new SessionOptions(), Image(SessionOptions.DefaultImage), EngineHost.Shared));
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

    // The module's engine keeps one spare unless AGBCODE_SPARE_SESSIONS says otherwise (0 turns it off).
    private static int SpareSessionsFromEnvironment() =>
        int.TryParse(Environment.GetEnvironmentVariable(SpareSessionsVariable), out int spares) && spares is >= 0 and <= 16 ? spares : 1;

    /// <summary>Sessions created with an idle timeout are removed once they have had no request for that long.</summary>
    private void ReleaseIdleSessions()
    {
        foreach (LocalSession session in _sessions.Values.Where(s => s.IsIdleExpired))
            _ = DeleteSessionAsync(session.Id);
    }

    public static LocalCodeSpace Shared => SharedSpace.Value;

    /// <summary>Whether <see cref="Shared"/> exists yet (listing sessions should not start an engine).</summary>
    public static bool IsSharedCreated => SharedSpace.IsValueCreated;

    public string Location => "local";

    public Task<ICodeSession> CreateSessionAsync(SessionOptions options, CancellationToken cancellationToken = default)
    {
        SessionOptions valid = options with { Limits = options.Limits.Validated() };
        SessionEnvironment.Check(valid.Environment);
        return Task.Run<ICodeSession>(async () =>
        {
            LocalSession session = MakeSession(valid);
            _sessions[session.Id] = session;
            try
            {
                foreach (string language in SparePool.KernelsFor(valid))
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
    private LocalSession MakeSession(SessionOptions valid)
    {
        CodeImage image = Image(valid.Image);
        LocalSession session = valid.Contexts.Count == 0 ? _spares.TryTake(valid) ?? LocalSession.Create(NewSessionId(), valid, image, EngineHost.Shared)
            : WithContexts(valid, image);
        session.Adopt(valid);
        return session;
    }

    private LocalSession WithContexts(SessionOptions valid, CodeImage image)
    {
        if (valid.Isolation != IsolationMode.Sandbox)
            throw new AgbException(AgbErrorKind.BadInput, "AgbContextNeedsSandbox",
                "A context mounts inside the session's sandbox, and a session with isolation None has none.",
                "Leave -Isolation at Sandbox for sessions that mount contexts.");
        string id = NewSessionId();
        SessionContexts contexts = ((LocalContextStore)ContextsOf(valid.Tenant)).Claim(valid.Contexts, id);
        try
        {
            return LocalSession.Create(id, valid, image, EngineHost.Shared, contexts);
        }
        catch
        {
            contexts.Dispose();
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
        LocalSession session = WithContexts(options, Image(options.Image));
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

    public async ValueTask DisposeAsync()
    {
        Live.TryRemove(this, out _);
        await _idleRelease.DisposeAsync().ConfigureAwait(false);
        await _spares.DisposeAsync().ConfigureAwait(false);
        await Task.WhenAll(_sessions.Keys.Select(id => DeleteSessionAsync(id))
            .Concat(_contextFileSessions.Keys.Select(s => s.DisposeAsync().AsTask()))).ConfigureAwait(false);
    }

    private static string NewSessionId()
    {
        const string alphabet = "0123456789abcdefghijklmnopqrstuvwxyz";
        return "session-" + string.Create(16, 0, (span, _) =>
        {
            Span<byte> random = stackalloc byte[16];
            RandomNumberGenerator.Fill(random);
            for (int i = 0; i < span.Length; i++)
                span[i] = alphabet[random[i] % alphabet.Length];
        });
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
