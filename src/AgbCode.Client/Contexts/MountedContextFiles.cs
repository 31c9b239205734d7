using AgbCode.Core.Contexts;
using AgbCode.Core.Files;

namespace AgbCode.Client.Contexts;

/// <summary>
/// An open context's files, through a remote session that mounts it at <paramref name="mount"/>: a relative path starts
/// at the context's root and an absolute one has "/" mean that root; items come back with paths relative to the root.
/// Disposing removes the session, which frees the context.
/// </summary>
internal sealed class MountedContextFiles(ContextInfo context, IWorkspaceFiles files, string mount, Func<Task<bool>> release) : IContextFiles, IWorkspaceFiles
{
    private int _released;

    public ContextInfo Context => context;
    public IWorkspaceFiles Files => this;

    private string In(string path)
    {
        ArgumentNullException.ThrowIfNull(path);
        string inside = path.TrimStart('/');
        return inside.Length == 0 ? mount : $"{mount}/{inside}";
    }

    private WorkspaceItem Out(WorkspaceItem item) => item.Path.StartsWith(mount + "/", StringComparison.Ordinal)
        ? item with { Path = item.Path[(mount.Length + 1)..] }
        : item.Path == mount ? item with { Path = "." } : item;

    public async Task<WorkspaceItem?> GetItemAsync(string path, CancellationToken cancellationToken = default) =>
        await files.GetItemAsync(In(path), cancellationToken).ConfigureAwait(false) is WorkspaceItem item ? Out(item) : null;

    public async Task<IReadOnlyList<WorkspaceItem>> ListAsync(string path, bool recurse, CancellationToken cancellationToken = default) =>
        [.. (await files.ListAsync(In(path), recurse, cancellationToken).ConfigureAwait(false)).Select(Out)];

    public Task UploadAsync(Stream archive, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        files.UploadAsync(archive, In(destination), progress, cancellationToken);

    public Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default) =>
        files.DownloadAsync([.. paths.Select(In)], archive, progress, cancellationToken);

    public Task<bool> RemoveAsync(string path, bool recurse, CancellationToken cancellationToken = default) =>
        files.RemoveAsync(In(path), recurse, cancellationToken);

    public Task<byte[]> ReadAsync(string path, long offset, int length, CancellationToken cancellationToken = default) =>
        files.ReadAsync(In(path), offset, length, cancellationToken);

    public Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool append, CancellationToken cancellationToken = default) =>
        files.WriteAsync(In(path), content, append, cancellationToken);

    public Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default) =>
        files.CreateDirectoryAsync(In(path), cancellationToken);

    public Task MoveAsync(string source, string destination, CancellationToken cancellationToken = default) =>
        files.MoveAsync(In(source), In(destination), cancellationToken);

    public Task<ShellResult> ShellAsync(string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, CancellationToken cancellationToken = default) =>
        files.ShellAsync(command, In(workingDirectory ?? "/"), environment, timeout, cancellationToken);

    public async ValueTask DisposeAsync()
    {
        if (Interlocked.Exchange(ref _released, 1) == 0)
            await release().ConfigureAwait(false);
    }
}
