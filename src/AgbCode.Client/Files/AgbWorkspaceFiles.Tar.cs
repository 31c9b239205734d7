using System.Formats.Tar;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;

namespace AgbCode.Client.Files;

/// <summary>
/// Upload and download: a tar stream unpacked into the session, or built from it. Calls per transfer are few: a file
/// that fits one chunk is one write_file (several in flight at once), folders are made only where no file made them,
/// and a download lists each folder once (recursively) and reads its files' chunks ahead, in order.
/// </summary>
internal sealed partial class AgbWorkspaceFiles
{
    private const UnixFileMode DefaultFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public async Task UploadAsync(Stream archive, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        FileToolFeatures features = await FeaturesAsync(cancellationToken).ConfigureAwait(false);
        long done = 0;
        var gate = new object();
        void Count(int bytes)
        {
            lock (gate)   // writes end side by side; the reports still rise
                progress?.Report(done += bytes);
        }
        var folders = new PendingFolders();
        folders.Add(destination);
        await using var writes = new CallWindow(options.FileParallelCalls, cancellationToken);
        using var reader = new TarReader(archive, leaveOpen: true);
        while (await reader.GetNextEntryAsync(copyData: false, cancellationToken).ConfigureAwait(false) is TarEntry entry)
        {
            if (entry.EntryType is TarEntryType.GlobalExtendedAttributes or TarEntryType.ExtendedAttributes)
                continue;
            string? relative = MemberName(entry.Name);
            if (relative is null)
                continue;
            string target = ItemText.Join(destination, relative);
            switch (entry.EntryType)
            {
                case TarEntryType.Directory:
                    folders.Add(target);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile when entry.Length <= features.ChunkBytes:
                    byte[] data = new byte[entry.Length];
                    await (entry.DataStream ?? Stream.Null).ReadExactlyAsync(data, cancellationToken).ConfigureAwait(false);
                    folders.Covered(target);   // write_file makes the folders above the file
                    await writes.StartAsync(async token =>
                    {
                        await WriteChunkAsync(target, data, "overwrite", features, token).ConfigureAwait(false);
                        Count(data.Length);
                    }).ConfigureAwait(false);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await writes.DrainAsync().ConfigureAwait(false);
                    folders.Covered(target);
                    await WriteStreamAsync(target, entry.DataStream ?? Stream.Null, entry.Length, false, Count, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.SymbolicLink:
                    await writes.DrainAsync().ConfigureAwait(false);
                    await MakeFoldersAsync(folders, cancellationToken).ConfigureAwait(false);   // ln makes no folders
                    await LinkAsync(target, entry.LinkName, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw Refused(entry.Name, $"its type {entry.EntryType} cannot be copied into a session (files, folders and symbolic links can)");
            }
        }
        await writes.DrainAsync().ConfigureAwait(false);
        await MakeFoldersAsync(folders, cancellationToken).ConfigureAwait(false);
    }

    private async Task MakeFoldersAsync(PendingFolders folders, CancellationToken cancellationToken)
    {
        foreach (string folder in folders.Take())
            await CreateDirectoryAsync(folder, cancellationToken).ConfigureAwait(false);
    }

    public async Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        FileToolFeatures features = await FeaturesAsync(cancellationToken).ConfigureAwait(false);
        var members = new List<Member>();
        foreach (string path in paths)
        {
            WorkspaceItem root = await GetItemAsync(path, cancellationToken).ConfigureAwait(false) ?? throw AgbErrors.ItemMissing(session.Id, path);
            string name = ItemText.LastPart(path) is "." or "" or "/" ? "" : ItemText.LastPart(path);
            members.AddRange(await MembersAsync(root, name, path, cancellationToken).ConfigureAwait(false));
        }
        int chunk = features.ChunkBytes;
        IEnumerable<Func<CancellationToken, Task<byte[]>>> reads = members
            .Where(m => m.IsFile)
            .SelectMany(m => Enumerable.Range(0, m.Chunks(chunk)).Select(i => (Func<CancellationToken, Task<byte[]>>)(token => ReadAsync(m.Item.Path, (long)i * chunk, chunk, token))));
        await using IAsyncEnumerator<byte[]> chunks = ReadAhead.InOrder(reads, options.FileParallelCalls, cancellationToken).GetAsyncEnumerator(cancellationToken);
        long done = 0;
        using var writer = new TarWriter(archive, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (Member member in members)
        {
            WorkspaceItem item = member.Item;
            if (item.LinkTarget is not null)
                await writer.WriteEntryAsync(new GnuTarEntry(TarEntryType.SymbolicLink, member.Name) { LinkName = item.LinkTarget, ModificationTime = item.LastWriteTime },
                    cancellationToken).ConfigureAwait(false);
            else if (item.IsDirectory)
                await writer.WriteEntryAsync(new GnuTarEntry(TarEntryType.Directory, member.Name)
                {
                    ModificationTime = item.LastWriteTime,
                    Mode = item.Mode == 0 ? DefaultFileMode | UnixFileMode.UserExecute : (UnixFileMode)item.Mode,
                }, cancellationToken).ConfigureAwait(false);
            else
            {
                await using Stream data = await ReceiveAsync(member, chunks, chunk, bytes => progress?.Report(done += bytes), cancellationToken).ConfigureAwait(false);
                await writer.WriteEntryAsync(new GnuTarEntry(TarEntryType.RegularFile, member.Name)
                {
                    DataStream = data,
                    ModificationTime = item.LastWriteTime,
                    Mode = item.Mode == 0 ? DefaultFileMode : (UnixFileMode)item.Mode,
                }, cancellationToken).ConfigureAwait(false);
            }
        }
    }

    /// <summary>An item to archive and its member name.</summary>
    private sealed record Member(WorkspaceItem Item, string Name)
    {
        public bool IsFile => Item.LinkTarget is null && !Item.IsDirectory;

        /// <summary>The chunk reads its listed size needs (a file that grew since is read on after them).</summary>
        public int Chunks(int chunk) => (int)Math.Max(1, (Item.Length + chunk - 1) / chunk);
    }

    /// <summary>The item and, for a folder, everything below it from one recursive listing, parents before children.</summary>
    private async Task<IEnumerable<Member>> MembersAsync(WorkspaceItem root, string name, string path, CancellationToken cancellationToken)
    {
        if (root.LinkTarget is not null || !root.IsDirectory)
            return [new Member(root, name)];
        string prefix = ItemText.Join(path.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed : path, "");
        IEnumerable<Member> below = (await ListAsync(path, true, cancellationToken).ConfigureAwait(false))
            .OrderBy(i => i.Path, StringComparer.Ordinal)
            .Select(i => new Member(i, name.Length == 0 ? Relative(i, prefix, path) : $"{name}/{Relative(i, prefix, path)}"));
        return name.Length == 0 ? below : below.Prepend(new Member(root, name));
    }

    /// <summary>
    /// The file's bytes: its planned chunks as the read-ahead answers them, then more while the file grew. A single chunk
    /// stays in memory; more go to a temporary file that deletes itself (the tar entry needs the length first).
    /// </summary>
    private async Task<Stream> ReceiveAsync(Member member, IAsyncEnumerator<byte[]> chunks, int chunk, Action<int> count, CancellationToken cancellationToken)
    {
        int planned = member.Chunks(chunk);
        Stream data = planned == 1 ? new MemoryStream() : TempFile();
        try
        {
            long offset = 0;
            bool ended = false;
            async Task TakeAsync(byte[] piece)
            {
                if (piece.Length > chunk)
                    throw AgbErrors.FileTool(session.Id, session.Location, "read_file", $"asked for {chunk} bytes of {member.Item.Path}, got {piece.Length}");
                await data.WriteAsync(piece, cancellationToken).ConfigureAwait(false);
                offset += piece.Length;
                ended = piece.Length < chunk;   // a short chunk is the file's end (it may have shrunk since the listing)
                count(piece.Length);
            }
            for (int i = 0; i < planned; i++)
            {
                if (!await chunks.MoveNextAsync().ConfigureAwait(false))
                    throw new InvalidOperationException("The read-ahead ended before the files it was planned for.");
                if (!ended)
                    await TakeAsync(chunks.Current).ConfigureAwait(false);
            }
            while (!ended)
                await TakeAsync(await ReadAsync(member.Item.Path, offset, chunk, cancellationToken).ConfigureAwait(false)).ConfigureAwait(false);
            data.Position = 0;
            return data;
        }
        catch
        {
            await data.DisposeAsync().ConfigureAwait(false);
            throw;
        }
    }

    private static FileStream TempFile() => new(Path.Combine(Path.GetTempPath(), "agbcode-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew,
        FileAccess.ReadWrite, FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);

    // The endpoint's answers are data, not paths to trust: a listed item must lie below the folder, one name per part.
    private string Relative(WorkspaceItem item, string prefix, string folder)
    {
        string relative = item.Path.StartsWith(prefix, StringComparison.Ordinal) ? item.Path[prefix.Length..] : "";
        string[] parts = relative.Split('/');
        return parts.Any(p => p is "" or "." or ".." || p.Contains('\0')) || parts[^1] != item.Name
            ? throw new AgbException(AgbErrorKind.Platform, RemoteErrors.UnsafeListing,
                $"Session {session.Id} at {session.Location} listed an item '{item.Path.Replace('\n', '?')}' in {folder}, which is not a path below it; nothing of it was copied.",
                "The endpoint is broken or hostile; copy from a trusted AgbCode server.")
            : relative;
    }

    // The link is made by ln in the sandbox; its path and target travel as environment variables, never as shell text.
    private async Task LinkAsync(string path, string target, CancellationToken cancellationToken)
    {
        ShellResult made = await ShellAsync("ln -sfn -- \"$AGB_LINK_TARGET\" \"$AGB_LINK_PATH\"", null,
            new Dictionary<string, string> { ["AGB_LINK_TARGET"] = target, ["AGB_LINK_PATH"] = path }, TimeSpan.FromSeconds(30), cancellationToken).ConfigureAwait(false);
        if (made.ExitCode != 0)
            throw AgbErrors.FileTool(session.Id, session.Location, "shell (ln -s)", made.Stderr.Trim());
    }

    /// <summary>A member's name relative to the destination, or null for the archive's root; absolute names and ".." are refused.</summary>
    private static string? MemberName(string raw)
    {
        if (raw.StartsWith('/'))
            throw Refused(raw, "its name is absolute");
        string[] parts = [.. raw.Split('/', StringSplitOptions.RemoveEmptyEntries).Where(p => p != ".")];
        if (parts.Contains(".."))
            throw Refused(raw, "its name contains '..'");
        return parts.Length == 0 ? null : string.Join('/', parts);
    }

    private static AgbException Refused(string member, string why) => new(AgbErrorKind.BadInput, WorkspaceErrors.UnsafeArchive,
        $"The archive member '{member}' was refused: {why}.", "Copy items whose names are relative and stay inside the destination.");
}
