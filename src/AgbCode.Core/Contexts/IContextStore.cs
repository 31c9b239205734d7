using AgbCode.Core.Files;

namespace AgbCode.Core.Contexts;

/// <summary>
/// One tenant's contexts on one backend. Contexts are never shared across tenants: another tenant's context answers
/// exactly as a missing one. <c>context</c> arguments take a name or an id.
/// </summary>
public interface IContextStore
{
    /// <summary>All of the tenant's contexts, newest first.</summary>
    Task<IReadOnlyList<ContextInfo>> ListAsync(CancellationToken cancellationToken = default);

    /// <summary>The context, or null when there is none.</summary>
    Task<ContextInfo?> GetAsync(string context, CancellationToken cancellationToken = default);

    /// <summary>Makes an empty context; AgbContextExists when the name is taken, AgbContextLimit past the tenant's cap.</summary>
    Task<ContextInfo> CreateAsync(string name, CancellationToken cancellationToken = default);

    /// <summary>Removes it and all its files; AgbContextInUse while a session has it mounted. False when there was none.</summary>
    Task<bool> DeleteAsync(string context, CancellationToken cancellationToken = default);

    /// <summary>
    /// Opens the context's files (for Copy-AgbItem and the AGB upload and download URLs): paths are relative to the
    /// context's root, or absolute with "/" meaning that root. AgbContextInUse while a session has it mounted.
    /// Dispose the handle to release it.
    /// </summary>
    Task<IContextFiles> OpenFilesAsync(string context, CancellationToken cancellationToken = default);
}

/// <summary>An open context's files; nobody else can mount it until this is disposed.</summary>
public interface IContextFiles : IAsyncDisposable
{
    ContextInfo Context { get; }
    IWorkspaceFiles Files { get; }
}
