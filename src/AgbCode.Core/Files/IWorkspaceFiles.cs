namespace AgbCode.Core.Files;

/// <summary>
/// The files of a session's workspace. Paths inside a session are relative to the workspace (the kernels' home and
/// working directory) or absolute inside the sandbox (<c>/tmp/x</c>). Every operation runs inside the session's sandbox,
/// as its uid: the host never follows a path inside the workspace. Archives are POSIX tar streams.
/// </summary>
public interface IWorkspaceFiles
{
    /// <summary>The item at <paramref name="path"/>, or null when there is none.</summary>
    Task<WorkspaceItem?> GetItemAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>
    /// The items in the folder at <paramref name="path"/> (or the item itself when it is a file); with
    /// <paramref name="recurse"/>, everything below it. Throws AgbItemNotFound when there is nothing there.
    /// </summary>
    Task<IReadOnlyList<WorkspaceItem>> ListAsync(string path, bool recurse, CancellationToken cancellationToken = default);

    /// <summary>
    /// Unpacks the tar stream <paramref name="archive"/> into the folder <paramref name="destination"/> (made when missing).
    /// All or nothing per file: a file that does not fit the workspace fails the call and leaves no partial file.
    /// </summary>
    Task UploadAsync(Stream archive, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Writes a tar stream of <paramref name="paths"/> (folders with everything below them) to <paramref name="archive"/>.</summary>
    Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default);

    /// <summary>Removes the item; a non-empty folder only with <paramref name="recurse"/>. False when there was nothing there.</summary>
    Task<bool> RemoveAsync(string path, bool recurse, CancellationToken cancellationToken = default);

    /// <summary>Up to <paramref name="length"/> bytes from <paramref name="offset"/> (length 0: to the end, bounded by the caller).</summary>
    Task<byte[]> ReadAsync(string path, long offset, int length, CancellationToken cancellationToken = default);

    /// <summary>Writes (or appends) bytes to a file, creating it and its missing folders.</summary>
    Task WriteAsync(string path, ReadOnlyMemory<byte> content, bool append, CancellationToken cancellationToken = default);

    /// <summary>Makes the folder and its missing parents; an existing folder is fine.</summary>
    Task CreateDirectoryAsync(string path, CancellationToken cancellationToken = default);

    /// <summary>Renames or moves an item inside the session.</summary>
    Task MoveAsync(string source, string destination, CancellationToken cancellationToken = default);

    /// <summary>
    /// Runs a shell command inside the session's sandbox (a fresh <c>/bin/sh -c</c> each call), with the session's
    /// environment plus <paramref name="environment"/>, in <paramref name="workingDirectory"/> (default: the workspace).
    /// </summary>
    Task<ShellResult> ShellAsync(string command, string? workingDirectory, IReadOnlyDictionary<string, string>? environment,
        TimeSpan timeout, CancellationToken cancellationToken = default);
}
