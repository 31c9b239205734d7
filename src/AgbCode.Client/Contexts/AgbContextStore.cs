using AgbCode.Client.Http;
using AgbCode.Core.Contexts;
using AgbCode.Core.Sessions;

namespace AgbCode.Client.Contexts;

/// <summary>
/// The caller's contexts on an AGB endpoint (ListContexts, GetContext, DeleteContext). A context's files are opened
/// through a short-lived session on the endpoint that mounts the context (persistenceDataList): its workspace calls are
/// the ones every remote session uses, so Copy-AgbItem moves whole folders with links and modes as it does into a
/// session, which single-file signed URLs could not; and the mount claims the context, as a local open does.
/// </summary>
internal sealed class AgbContextStore(AgbCloudSpace space, ContextApi api) : IContextStore
{
    private const int PageSize = 100;
    private const int MaxPages = 100;

    /// <summary>How long the endpoint keeps a files session that its opener forgot to dispose.</summary>
    public static readonly TimeSpan FilesSessionIdle = TimeSpan.FromMinutes(10);

    public async Task<IReadOnlyList<ContextInfo>> ListAsync(CancellationToken cancellationToken = default)
    {
        var all = new List<ContextInfo>();
        var seen = new HashSet<string>(StringComparer.Ordinal);
        string? token = null;
        for (int page = 0; page < MaxPages; page++)
        {
            (IReadOnlyList<ContextInfo> contexts, string? next) = await api.ListAsync(token, PageSize, cancellationToken).ConfigureAwait(false);
            all.AddRange(contexts);
            if (next is null || !seen.Add(next))
                break;
            token = next;
        }
        return [.. all.DistinctBy(c => c.Id).OrderByDescending(c => c.CreatedAt)];
    }

    /// <summary>By name first (names are what users type), then by id.</summary>
    public async Task<ContextInfo?> GetAsync(string context, CancellationToken cancellationToken = default)
    {
        ArgumentException.ThrowIfNullOrWhiteSpace(context);
        return (ContextNames.IsValid(context) ? await api.GetAsync("name", context, allowCreate: false, cancellationToken).ConfigureAwait(false) : null)
            ?? await api.GetAsync("id", context, allowCreate: false, cancellationToken).ConfigureAwait(false);
    }

    public async Task<ContextInfo> CreateAsync(string name, CancellationToken cancellationToken = default)
    {
        ContextNames.Check(name);
        if (await api.GetAsync("name", name, allowCreate: false, cancellationToken).ConfigureAwait(false) is not null)
            throw ContextErrors.Exists(name);
        return await api.GetAsync("name", name, allowCreate: true, cancellationToken).ConfigureAwait(false) ?? throw ContextErrors.NotFound(name);
    }

    public async Task<bool> DeleteAsync(string context, CancellationToken cancellationToken = default)
    {
        if (await GetAsync(context, cancellationToken).ConfigureAwait(false) is not ContextInfo found)
            return false;
        await api.DeleteAsync(found.Id, cancellationToken).ConfigureAwait(false);
        return true;
    }

    public async Task<IContextFiles> OpenFilesAsync(string context, CancellationToken cancellationToken = default)
    {
        ContextInfo found = await GetAsync(context, cancellationToken).ConfigureAwait(false) ?? throw ContextErrors.NotFound(context);
        string mount = $"{ContextMount.DefaultParent}/{found.Name}";
        ICodeSession session = await space.CreateSessionAsync(new SessionOptions
        {
            Contexts = [new ContextMount(found.Id, mount)],
            IdleTimeout = FilesSessionIdle,
        }, cancellationToken).ConfigureAwait(false);
        return new MountedContextFiles(found, session.Files, mount, () => space.DeleteSessionAsync(session.Id, CancellationToken.None));
    }

    /// <summary>The mounts of a new session with each context named by its id, as persistenceDataList wants.</summary>
    public async Task<IReadOnlyList<ContextMount>> ResolveAsync(IReadOnlyList<ContextMount> mounts, CancellationToken cancellationToken)
    {
        var resolved = new List<ContextMount>(mounts.Count);
        foreach (ContextMount mount in mounts)
        {
            ContextInfo found = await GetAsync(mount.Context, cancellationToken).ConfigureAwait(false) ?? throw ContextErrors.NotFound(mount.Context);
            resolved.Add(mount with { Context = found.Id });
        }
        return resolved;
    }
}
