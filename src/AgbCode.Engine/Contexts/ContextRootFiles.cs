using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;

namespace AgbCode.Engine.Contexts;

/// <summary>
/// An open context's files, through a short-lived internal session that mounts the context as its home: relative paths
/// start at the context's root and an absolute path has "/" mean that root. A full volume is refused as the context's
/// size cap, not the session's disk cap.
/// </summary>
internal sealed class ContextRootFiles(ContextInfo context, IWorkspaceFiles files, Func<ValueTask> release) : IContextFiles, IWorkspaceFiles
{
    private int _released;

    public ContextInfo Context => context;
    public IWorkspaceFiles Files => this;

    /// <summary>"/a/b" → "a/b", "/" → "."; relative paths as they are (the sandbox keeps ".." inside it anyway).</summary>
    private static string Map(string path) =>
        path is null ? throw new ArgumentNullException(nameof(path))
        : path.StartsWith('/') ? (path.TrimStart('/') is { Length: > 0 } inside ? inside : ".")
        : path;

    private async Task<T> Guard<T>(Func<Task<T>> operation)
    {
        try
        {
            return await operation().ConfigureAwait(false);
        }
        catch (AgbException full) when (full.ErrorId is Core.Errors.WorkspaceErrors.WorkspaceFull)
        {
            throw ContextLimits.Full(context.Name, context.SizeBytes, full);
        }
    }

    private Task Guard(Func<Task> operation) => Guard(async () =>
    {
        await operation().ConfigureAwait(false);
        return true;
    });

    public Task<WorkspaceItem?> GetItemAsync(string path, CancellationToken cancellationToken = default) =>
        files.GetItemAsync(Map(path), cancellationToken);

    public Task<IReadOnlyList<WorkspaceItem>> ListAsync(string path, bool recurse, CancellationToken cancellationToken = default) =>
        files.ListAsync(Map(path), recurse, cancellationToken);

    public Task UploadAsync(Stream archive, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        Guard(() => files.UploadAsync(archive, Map(destination), progress, cancellationToken));

    public Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        files.DownloadAsync([.. paths.Select(Map)], archive, progress, cancellationToken);

    public Task<bool> RemoveAsync(string path, bool recurse, CancellationToken cancellationToken = default) =>
        files.RemoveAsync(Map(path), recurse, cancellationToken);

    public Task<byte[]> ReadAsync(string path, long offset, int length, CancellationToken cancellationToken = default) =>
        files.ReadAsync(Map(path), offset, length, cancellationToken);

    public Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool append, CancellationToken cancellationToken = default) =>
        Guard(() => files.WriteAsync(Map(path), content, append, cancellationToken));

    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        Guard(() => files.CreateDirectoryAsync(Map(path), cancellationToken));

    public Task MoveAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        files.MoveAsync(Map(source), Map(destination), cancellationToken);

    public Task<ShellResult> ShellAsync(string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, CancellationToken cancellationToken = default) =>
        files.ShellAsync(command, workingDirectory is null ? null : Map(workingDirectory), environment, timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            await release().ConfigureAwait(false);
    }
}
