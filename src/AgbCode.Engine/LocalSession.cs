using System.Collections.Concurrent;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Files;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Images;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Kernels.Drivers;
using AgbCode.Engine.Sandbox;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine;

/// <summary>A local session: a slot (uid, cgroup name), a workspace, a cgroup with the limits, and a kernel per language.</summary>
internal sealed class LocalSession : ICodeSession, IAsyncDisposable
{
    private readonly EngineHost _host;
    private readonly int _slot;
    private readonly LedgerEntry _slotEntry;
    private readonly Workspace _workspace;
    private readonly Workspace? _tmp;
    private readonly CgroupGroup? _cgroup;
    private readonly KernelContext _kernelContext;
    private readonly ConcurrentDictionary<string, Kernel> _kernels = new();
    private readonly LocalWorkspaceFiles _files;
    private readonly Contexts.SessionContexts? _contexts;
    private int _closed;
    private long _lastActivity = Environment.TickCount64;
    private int _runsInProgress;

    private LocalSession(string id, SessionOptions options, CodeImage image, EngineHost host, int slot, LedgerEntry slotEntry, Workspace workspace,
        Workspace? tmp, CgroupGroup? cgroup, uint? uid, SandboxNetwork? network, IsolationReport isolation, EngineLog log,
        Contexts.SessionContexts? contexts, IReadOnlyList<SandboxBind> contextBinds)
    {
        _contexts = contexts;
        Id = id;
        Name = options.Name;
        Image = options.Image;
        Labels = new Dictionary<string, string>(options.Labels);
        Limits = options.Limits;
        IdleTimeout = options.IdleTimeout;
        Isolation = isolation;
        _host = host;
        _slot = slot;
        _slotEntry = slotEntry;
        _workspace = workspace;
        _tmp = tmp;
        _cgroup = cgroup;
        _kernelContext = new KernelContext
        {
            SessionId = id,
            Limits = options.Limits,
            WorkspacePath = workspace.HostPath,
            TmpPath = tmp?.HostPath,
            DriversDir = host.Runtime.DriversDir,
            Uid = uid,
            ProcessLimit = ProcessLimitFor(options.Limits, uid, cgroup),
            SessionCgroup = cgroup,
            Ledger = host.Ledger,
            Spawner = host.Spawner,
            Launcher = options.Isolation == IsolationMode.Sandbox ? new SandboxedSessionLauncher(host.Launcher) : UnisolatedSessionLauncher.Instance,
            Environment = options.Environment,
            Image = image,
            Network = network,
            ContextBinds = contextBinds,
        };
        _files = new LocalWorkspaceFiles(_kernelContext, log);
    }

    public string Id { get; }
    public string? Name { get; private set; }
    public string Image { get; private set; }
    public IReadOnlyDictionary<string, string> Labels { get; private set; }
    public DateTimeOffset CreatedAt { get; private set; } = DateTimeOffset.Now;
    public SessionLimits Limits { get; }
    public IsolationReport Isolation { get; }
    public TimeSpan? IdleTimeout { get; private set; }
    public string Location => "local";
    public bool IsClosed => Volatile.Read(ref _closed) != 0;
    public IReadOnlyList<KernelInfo> Kernels => [.. _kernels.Values.Select(k => k.Info).OrderBy(k => k.Language, StringComparer.Ordinal)];
    /// <summary>The workspace's host path (for the engine's own tests and tools; never follow links inside it).</summary>
    internal string WorkspacePath => _workspace.HostPath;
    internal uint? Uid => _kernelContext.Uid;
    /// <summary>Where its contexts' files are on the host while it runs (for the engine's own tests; never follow links inside).</summary>
    internal bool MountsContexts => _contexts is not null;
    internal IReadOnlyList<string> ContextHostPaths => [.. _kernelContext.ContextBinds.Select(b => b.HostPath)];
    /// <summary>How many file helpers the session has alive now, idle or busy.</summary>
    internal int LiveFileHelpers => _files.LiveHelpers;
    /// <summary>What the session holds on the host, for leak checks.</summary>
    internal SessionFootprint Footprint => new(_kernelContext.Uid, _workspace.HostPath, _tmp?.HostPath, _cgroup?.Directories ?? [], _host.Slots.SlotPath(_slot));

    /// <param name="image">The image <paramref name="options"/> name, resolved and checked by the engine's <see cref="ImageCatalog"/>.</param>
    /// <param name="contexts">The contexts it mounts, claimed for it; it releases them when it ends (the caller, if this throws).</param>
    public static async Task<LocalSession> CreateAsync(string id, SessionOptions options, CodeImage image, EngineHost host, EngineLog log,
        Contexts.SessionContexts? contexts = null, CancellationToken cancellationToken = default)
    {
        bool sandboxed = options.Isolation == IsolationMode.Sandbox;
        SandboxSupport? support = sandboxed ? host.Sandbox : null;   // throws the platform error before anything is made
        SandboxNetwork? network = SandboxNetwork.Prepare(options.Network, options.Isolation, ownTun: host.Uids.PerSessionUids);
        DiskReserve.EnsureRoom(host.Root);
        int slot = host.Slots.Allocate();
        LedgerEntry slotEntry = host.Ledger.Add(LedgerEntry.Slot, slot.ToString(System.Globalization.CultureInfo.InvariantCulture));
        Workspace? workspace = null;
        Workspace? tmp = null;
        CgroupGroup? cgroup = null;
        try
        {
            uint? uid = sandboxed && host.Uids.PerSessionUids ? host.Uids.UidFor(slot) : null;
            workspace = uid is uint owner
                ? await Workspace.CreateVolumeAsync(host.Root, host.Ledger, owner, options.Limits.DiskBytes, cancellationToken).ConfigureAwait(false)
                : Workspace.CreateDirectory(host.Root, host.Ledger);
            tmp = !sandboxed ? null
                : uid is uint tmpOwner ? await Workspace.CreateTmpfsAsync(host.Root, host.Ledger, tmpOwner, options.Limits.TmpBytes, cancellationToken).ConfigureAwait(false)
                : Workspace.CreateDirectory(host.Root, host.Ledger);
            cgroup = sandboxed ? host.Cgroups?.CreateSession($"s{slot}", options.Limits, host.Ledger) : null;
            IsolationReport report = support is not null && tmp is not null
                ? IsolationReporter.Describe(options.Limits, support, network, uid, workspace.IsVolume, tmp.IsVolume, host.Cgroups is not null && cgroup is not null ? host.Cgroups.Version : null, host.CgroupProblem)
                : new IsolationReport(IsolationMode.None, [new Protection("Sandbox", false, "Isolation None: code runs as the engine's user, with its access")])
                  { Backend = IsolationReporter.Backend };
            IReadOnlyList<SandboxBind> binds = contexts is null ? [] : await contexts.AttachAsync(host, uid, cancellationToken).ConfigureAwait(false);
            return new LocalSession(id, options, image, host, slot, slotEntry, workspace, tmp, cgroup, uid, network, report, log, contexts, binds);
        }
        catch
        {
            if (contexts is not null)
                await contexts.DetachAsync().ConfigureAwait(false);
            if (cgroup is not null)
                await cgroup.RemoveAsync().ConfigureAwait(false);
            if (tmp is not null)
                await tmp.RemoveAsync().ConfigureAwait(false);
            if (workspace is not null)
                await workspace.RemoveAsync().ConfigureAwait(false);
            host.Slots.Release(slot);
            host.Ledger.Remove(slotEntry);
            throw;
        }
    }

    private static int ProcessLimitFor(SessionLimits limits, uint? uid, CgroupGroup? cgroup)
    {
        if (uid is not null)
            return limits.MaxProcesses;   // the session's own uid: RLIMIT_NPROC is exact
        // Shared uid: RLIMIT_NPROC counts every process of the user, so leave room for the ones already running.
        return limits.MaxProcesses + ProcessTable.ThreadsOf(Native.Libc.geteuid());
    }

    public async Task<EnhancedCodeExecutionResult> RunAsync(RunRequest request, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        RunRequest valid = request.Validated();
        Kernel kernel = KernelFor(valid.Language);
        Interlocked.Increment(ref _runsInProgress);
        try
        {
            Touch();
            return await kernel.RunAsync(valid, observer, cancellationToken).ConfigureAwait(false);
        }
        finally
        {
            Touch();
            Interlocked.Decrement(ref _runsInProgress);
        }
    }

    public IWorkspaceFiles Files
    {
        get
        {
            Touch();
            return _files;
        }
    }

    /// <summary>The session cgroup's reading (its kernels, file helpers and shell commands together); null without cgroups.</summary>
    public Task<SessionUsage?> GetUsageAsync(CancellationToken cancellationToken = default)
    {
        if (IsClosed)
            throw SessionClosed.Error(Id);
        if (_cgroup is null)
            return Task.FromResult<SessionUsage?>(null);
        CgroupUsage usage = _cgroup.ReadUsage();
        return Task.FromResult<SessionUsage?>(new SessionUsage(usage.MemoryBytes, usage.CpuTime, DateTimeOffset.UtcNow));
    }

    public Task StartKernelAsync(string language, IRunObserver? observer = null, CancellationToken cancellationToken = default)
    {
        Touch();
        return KernelFor(LanguageRules.Normalize(language)).EnsureStartedAsync(observer, cancellationToken);
    }

    public Task KeepAliveAsync(CancellationToken cancellationToken = default)
    {
        Touch();
        return Task.CompletedTask;
    }

    private void Touch() => Interlocked.Exchange(ref _lastActivity, Environment.TickCount64);

    /// <summary>True when the session has an idle timeout, no run in progress, and no request for that long.</summary>
    internal bool IsIdleExpired =>
        IdleTimeout is TimeSpan timeout && Volatile.Read(ref _runsInProgress) == 0
        && Environment.TickCount64 - Interlocked.Read(ref _lastActivity) > (long)timeout.TotalMilliseconds;

    /// <summary>A spare made ahead of time becomes the session someone asked for: their name, labels, image, timeout.</summary>
    internal void Adopt(SessionOptions options)
    {
        Name = options.Name;
        Image = options.Image;
        Labels = new Dictionary<string, string>(options.Labels);
        IdleTimeout = options.IdleTimeout;
        CreatedAt = DateTimeOffset.Now;
        Touch();
    }

    private Kernel KernelFor(string language)
    {
        if (IsClosed)
            throw SessionClosed.Error(Id);
        LanguageDriver driver = LanguageDriver.For(language)
            ?? throw new AgbException(AgbErrorKind.Platform, SessionErrors.LanguageUnavailable, $"The local engine has no {language} kernel yet.",
                "Use python, or a remote backend that offers this language.");
        if (driver.Unavailability(_kernelContext.DriversDir) is string reason)
            throw new AgbException(AgbErrorKind.Platform, SessionErrors.RuntimeMissing, $"The {language} kernel cannot start: {reason}.",
                "Get-AgbLanguage shows what each language needs.");
        return _kernels.GetOrAdd(language, _ => new Kernel(_kernelContext, driver));
    }

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _closed, 1) != 0)
            return;
        await Task.WhenAll(_kernels.Values.Select(k => k.DisposeAsync().AsTask()).Append(_files.CloseAsync())).ConfigureAwait(false);
        if (_cgroup is not null)
            await _cgroup.RemoveAsync().ConfigureAwait(false);
        if (_contexts is not null)
            await _contexts.DisposeAsync().ConfigureAwait(false);
        if (_tmp is not null)
            await _tmp.RemoveAsync().ConfigureAwait(false);
        await _workspace.RemoveAsync().ConfigureAwait(false);
        _host.Slots.Release(_slot);
        _host.Ledger.Remove(_slotEntry);
    }

    public override string ToString() => Name is null ? Id : $"{Id} ({Name})";
}

/// <summary>A session's host resources: its uid, folders (workspace, /tmp), cgroup folders and slot file.</summary>
internal sealed record SessionFootprint(uint? Uid, string Workspace, string? Tmp, IReadOnlyList<string> Cgroups, string SlotFile)
{
    public IEnumerable<string> Folders => Tmp is null ? [Workspace] : [Workspace, Tmp];
}
