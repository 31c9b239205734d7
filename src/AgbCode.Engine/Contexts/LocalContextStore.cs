using System.Security.Cryptography;
using System.Text;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Contexts;

/// <summary>
/// One tenant's contexts in the engine's state folder (contexts/&lt;tenant key&gt;/&lt;id&gt;, see <see cref="ContextFolder"/>).
/// Every change, and every look at who holds a claim, happens under the tenant's lock file, so engines in other
/// processes sharing the state folder see the same contexts and claims.
/// </summary>
internal sealed class LocalContextStore : IContextStore
{
    private readonly LocalCodeSpace _space;
    private readonly ContextLimits _limits;

    public LocalContextStore(LocalCodeSpace space, string? tenant, ContextLimits limits)
    {
        _space = space;
        Tenant = tenant;
        _limits = limits;
    }

    /// <summary>Null: the engine's own user.</summary>
    public string? Tenant { get; }

    /// <summary>Any tenant string becomes a safe, fixed-length folder name; the engine's own user has its own.</summary>
    internal static string TenantKey(string? tenant) =>
        tenant is null ? "own" : "t-" + Convert.ToHexString(SHA256.HashData(Encoding.UTF8.GetBytes(tenant)))[..32].ToLowerInvariant();

    private static StateRoot Root => EngineHost.Shared.Root;

    private static string ContextsDir(StateRoot root) => Path.Combine(root.Path, "contexts");

    /// <summary>The engine's own user's context names, read without a lock or an engine (for tab completion).</summary>
    internal static IReadOnlyList<string> SavedNames(StateRoot root)
    {
        string folder = Path.Combine(ContextsDir(root), TenantKey(null));
        return Directory.Exists(folder) ? [.. All(folder).Select(c => c.Record.Name).Order(StringComparer.Ordinal)] : [];
    }

    private string TenantPath => Path.Combine(ContextsDir(Root), TenantKey(Tenant));

    /// <summary>The tenant's folder, made when it is first needed (never removed: other processes lock files in it).</summary>
    private string TenantDir
    {
        get
        {
            StateRoot.EnsureDirectory(ContextsDir(Root), StateRoot.Private);
            StateRoot.EnsureDirectory(TenantPath, StateRoot.Private);
            return TenantPath;
        }
    }

    private T Locked<T>(Func<string, T> action)
    {
        string folder = TenantDir;
        using FileLock tenantLock = FileLock.Acquire(Path.Combine(folder, "lock"));
        return action(folder);
    }

    /// <summary>
    /// For a look that changes nothing: a tenant that never made a context has no folder, and looking does not make one
    /// (a server asked by many keys would otherwise keep an empty folder for each).
    /// </summary>
    private T LockedIfAny<T>(Func<string, T> action, T none) => Directory.Exists(TenantPath) ? Locked(action) : none;

    public Task<IReadOnlyList<ContextInfo>> ListAsync(CancellationToken cancellationToken = default) => Task.Run(() => LockedIfAny<IReadOnlyList<ContextInfo>>(folder =>
        [.. All(folder).Select(c => Describe(c.Folder, c.Record)).OrderByDescending(c => c.CreatedAt)], []), cancellationToken);

    public Task<ContextInfo?> GetAsync(string context, CancellationToken cancellationToken = default) => Task.Run(() => LockedIfAny(folder =>
        Find(folder, context) is var (found, record) ? Describe(found, record) : null, null), cancellationToken);

    public Task<ContextInfo> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        ContextNames.Check(name);
        return Task.Run(async () =>
        {
            string folder = TenantDir;
            using FileLock tenantLock = FileLock.Acquire(Path.Combine(folder, "lock"));   // a flock: held across the awaits
            var existing = All(folder).ToList();
            if (existing.Any(c => c.Record.Name == name))
                throw ContextErrors.Exists(name);
            if (existing.Count >= _limits.PerTenant)
                throw _limits.TooMany(existing.Count);
            var made = new ContextFolder(Path.Combine(folder, ContextFolder.NewId()));
            try
            {
                (long? size, long? used) = await MakeFilesAsync(made, cancellationToken).ConfigureAwait(false);
                var record = new ContextRecord(made.Id, name, DateTimeOffset.UtcNow, null, size, used);
                made.WriteRecord(record);   // last: a folder without its record is no context
                return Describe(made, record);
            }
            catch
            {
                RemoveFolder(made);
                throw;
            }
        }, cancellationToken);
    }

    /// <summary>
    /// A root engine gives the context an ext4 volume of its own (its size cap, and what its empty file system takes);
    /// otherwise a private folder, neither capped nor measured.
    /// </summary>
    private async Task<(long? Size, long? Used)> MakeFilesAsync(ContextFolder made, CancellationToken cancellationToken)
    {
        StateRoot.EnsureDirectory(made.Path, StateRoot.Private);
        if (!Root.IsRoot)
        {
            StateRoot.EnsureDirectory(made.FilesDir, StateRoot.Private);
            return (null, null);
        }
        return (_limits.SizeBytes, await MakeVolumeAsync(made, cancellationToken).ConfigureAwait(false));
    }

    private async Task<long?> MakeVolumeAsync(ContextFolder made, CancellationToken cancellationToken)
    {
        await Workspace.MakeVolumeImageAsync(made.VolumeImage, _limits.SizeBytes, 0, cancellationToken).ConfigureAwait(false);
        EngineHost host = EngineHost.Shared;
        long? used = null;
        Workspace volume = await Workspace.MountVolumeAsync(host.Root, host.Ledger, made.VolumeImage, "context volume", mountPoint =>
        {
            Directory.Delete(Path.Combine(mountPoint, "lost+found"));
            used = VolumeMounts.UsedBytes(mountPoint);
            return Task.CompletedTask;
        }, cancellationToken).ConfigureAwait(false);
        await volume.RemoveAsync().ConfigureAwait(false);
        return used;
    }

    public Task<bool> DeleteAsync(string context, CancellationToken cancellationToken = default) => Task.Run(() => LockedIfAny(folder =>
    {
        if (Find(folder, context) is not var (found, record))
            return false;
        using FileLock claim = TryClaim(found, record);
        File.Delete(found.MetaFile);   // first: from here on it is not found
        RemoveFolder(found);
        return true;
    }, false), cancellationToken);

    public Task<IContextFiles> OpenFilesAsync(string context, CancellationToken cancellationToken = default) =>
        _space.OpenContextFilesAsync(this, context, cancellationToken);

    /// <summary>Claims each context for the session <paramref name="sessionId"/>; all or none.</summary>
    internal SessionContexts Claim(IReadOnlyList<ContextMount> mounts, string sessionId)
    {
        var paths = new HashSet<string>(StringComparer.Ordinal);
        foreach (ContextMount mount in mounts)
            if (!paths.Add(ContextMount.CheckPath(mount.Path)))
                throw new AgbException(AgbErrorKind.BadInput, ContextErrors.BadPathId,
                    $"Two contexts cannot mount at the same path ({Core.Display.InertText.OneLine(mount.Path, 200)}).", "Give each context its own path.");
        return Locked(folder =>
        {
            var claims = new List<ContextClaim>();
            try
            {
                foreach (ContextMount mount in mounts)
                {
                    if (Find(folder, mount.Context) is not var (found, record))
                        throw ContextErrors.NotFound(mount.Context);
                    if (claims.Any(c => c.Record.Id == record.Id))
                        throw ContextErrors.InUse(record.Name, sessionId);
                    FileLock claim = TryClaim(found, record);
                    File.WriteAllText(found.HolderFile, sessionId);
                    var used = record with { LastUsedAt = DateTimeOffset.UtcNow };
                    found.WriteRecord(used);
                    claims.Add(new ContextClaim(found, used, mount.Path, claim));
                }
                return new SessionContexts(claims);
            }
            catch
            {
                foreach (ContextClaim claim in claims)
                    claim.Release();   // none is attached yet
                throw;
            }
        });
    }

    private static FileLock TryClaim(ContextFolder folder, ContextRecord record) =>
        FileLock.TryAcquire(folder.ClaimFile) ?? throw ContextErrors.InUse(record.Name, folder.ReadHolder());

    private static IEnumerable<(ContextFolder Folder, ContextRecord Record)> All(string tenantDir)
    {
        foreach (string path in Directory.EnumerateDirectories(tenantDir))
        {
            var folder = new ContextFolder(path);
            if (ContextFolder.IsId(folder.Id) && folder.ReadRecord() is ContextRecord record)
                yield return (folder, record);
        }
    }

    /// <summary>By id first, then by name; another tenant's id is not in this tenant's folder.</summary>
    private static (ContextFolder Folder, ContextRecord Record)? Find(string tenantDir, string context)
    {
        if (ContextFolder.IsId(context))
        {
            var folder = new ContextFolder(Path.Combine(tenantDir, context));
            if (folder.ReadRecord() is ContextRecord record)
                return (folder, record);
        }
        return All(tenantDir).Where(c => c.Record.Name == context).Select(c => ((ContextFolder, ContextRecord)?)c).FirstOrDefault();
    }

    private static ContextInfo Describe(ContextFolder folder, ContextRecord record)
    {
        string? holder = null;
        using (FileLock? probe = FileLock.TryAcquire(folder.ClaimFile))
        {
            if (probe is null)
                holder = folder.ReadHolder();
        }
        return new ContextInfo
        {
            Id = record.Id,
            Name = record.Name,
            CreatedAt = record.CreatedAt,
            LastUsedAt = record.LastUsedAt,
            MountedBy = holder,
            SizeBytes = record.SizeBytes,
            UsedBytes = record.UsedBytes,
            Location = "local",
        };
    }

    /// <summary>Removes a context's folder: its volume image as one file, or its files folder without following a link.</summary>
    private static void RemoveFolder(ContextFolder folder)
    {
        if (File.Exists(folder.VolumeImage))
            File.Delete(folder.VolumeImage);
        Workspace.DeleteTree(new DirectoryInfo(folder.Path));
    }
}
