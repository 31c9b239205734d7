using AgbCode.Core.Contexts;
using AgbCode.Core.Files;
using AgbCode.Server.Sessions;

namespace AgbCode.Server.Contexts;

/// <summary>A context's files, open for one call: a folder of some session's files that is the context's root.</summary>
public sealed class ContextFilesLease(string contextId, IWorkspaceFiles files, string root, bool isTransfer, IAsyncDisposable? handle) : IAsyncDisposable
{
    public string ContextId { get; } = contextId;
    public IWorkspaceFiles Files { get; } = files;
    /// <summary>A file-transfer context: its files are the session's own, at their absolute paths.</summary>
    public bool IsTransfer { get; } = isTransfer;

    /// <summary>Where a context path (<see cref="ContextPaths"/>) is in <see cref="Files"/>.</summary>
    public string PathOf(string? path, string parameter) => ContextPaths.Under(root, ContextPaths.Parts(path, parameter));

    public ValueTask DisposeAsync() => handle?.DisposeAsync() ?? ValueTask.CompletedTask;
}

/// <summary>
/// Opens the files behind a context id for a tenant: a session's file-transfer context is that session's own files; a
/// context mounted by one of the tenant's sessions is reached through that session's sandbox at its mount path (so it is
/// usable while mounted); any other is opened from the engine's store for the call. Another tenant's context, or
/// session, answers as a missing one.
/// </summary>
public sealed class ContextFileAccess(SessionRegistry registry, TenantContexts contexts)
{
    /// <summary>The file-transfer context of a session is named after it; it lives and dies with the session.</summary>
    public const string TransferPrefix = "file-transfer-";
    public const string TransferType = "file_transfer";
    /// <summary>Where the SDKs' transferPath() points: any absolute path works, this is a folder they may use.</summary>
    public const string TransferPath = "/tmp/file-transfer";

    public static string TransferIdOf(string sessionId) => TransferPrefix + sessionId;

    /// <summary>The context's own id (a name is accepted too); AgbContextNotFound when the tenant has no such context.</summary>
    public async Task<string> ResolveAsync(string tenant, string contextId, CancellationToken cancellationToken)
    {
        if (contextId.StartsWith(TransferPrefix, StringComparison.Ordinal))
            return registry.Find(tenant, contextId[TransferPrefix.Length..]) is null ? throw ContextErrors.NotFound(contextId) : contextId;
        ContextInfo info = await contexts.Of(tenant).GetAsync(contextId, cancellationToken) ?? throw ContextErrors.NotFound(contextId);
        return info.Id;
    }

    public async Task<ContextFilesLease> OpenAsync(string tenant, string contextId, CancellationToken cancellationToken)
    {
        if (contextId.StartsWith(TransferPrefix, StringComparison.Ordinal))
        {
            HostedSession session = registry.Find(tenant, contextId[TransferPrefix.Length..]) ?? throw ContextErrors.NotFound(contextId);
            return new ContextFilesLease(contextId, session.Engine.Files, "/", isTransfer: true, handle: null);
        }
        IContextStore store = contexts.Of(tenant);
        ContextInfo info = await store.GetAsync(contextId, cancellationToken) ?? throw ContextErrors.NotFound(contextId);
        foreach (HostedSession session in registry.List(tenant))
        {
            if (session.Contexts.MountOf(info.Id) is MountedContext mount)
                return new ContextFilesLease(info.Id, session.Engine.Files, mount.Path, isTransfer: false, handle: null);
        }
        IContextFiles handle = await store.OpenFilesAsync(info.Id, cancellationToken);
        return new ContextFilesLease(info.Id, handle.Files, "/", isTransfer: false, handle);
    }
}
