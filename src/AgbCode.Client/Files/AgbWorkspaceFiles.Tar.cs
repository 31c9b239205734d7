using System.Formats.Tar;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;

namespace AgbCode.Client.Files;

/// <summary>Upload and download: a tar stream unpacked into the session, or built from it, chunk by chunk.</summary>
internal sealed partial class AgbWorkspaceFiles
{
    private const UnixFileMode DefaultFileMode = UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.GroupRead | UnixFileMode.OtherRead;

    public async Task UploadAsync(Stream archive, string destination, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        await CreateDirectoryAsync(destination, cancellationToken).ConfigureAwait(false);
        long done = 0;
        void Count(int bytes) => progress?.Report(done += bytes);
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
                    await CreateDirectoryAsync(target, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile:
                    await WriteStreamAsync(target, entry.DataStream ?? Stream.Null, entry.Length, false, Count, cancellationToken).ConfigureAwait(false);
                    break;
                case TarEntryType.SymbolicLink:
                    await LinkAsync(target, entry.LinkName, cancellationToken).ConfigureAwait(false);
                    break;
                default:
                    throw Refused(entry.Name, $"its type {entry.EntryType} cannot be copied into a session (files, folders and symbolic links can)");
            }
        }
    }

    public async Task DownloadAsync(IReadOnlyList<string> paths, Stream archive, IProgress<long>? progress = null, CancellationToken cancellationToken = default)
    {
        long done = 0;
        using var writer = new TarWriter(archive, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (string path in paths)
        {
            WorkspaceItem root = await GetItemAsync(path, cancellationToken).ConfigureAwait(false) ?? throw AgbErrors.ItemMissing(session.Id, path);
            string name = ItemText.LastPart(path) is "." or "" or "/" ? "" : ItemText.LastPart(path);
            await AddAsync(writer, root, name, path, bytes => progress?.Report(done += bytes), cancellationToken).ConfigureAwait(false);
        }
    }

    // Folders are walked one level at a time, so member names are built from the names the session gives.
    private async Task AddAsync(TarWriter writer, WorkspaceItem item, string name, string path, Action<int> count, CancellationToken cancellationToken)
    {
        if (item.LinkTarget is not null)
        {
            await writer.WriteEntryAsync(new GnuTarEntry(TarEntryType.SymbolicLink, name) { LinkName = item.LinkTarget, ModificationTime = item.LastWriteTime },
                cancellationToken).ConfigureAwait(false);
            return;
        }
        if (!item.IsDirectory)
        {
            await using FileStream data = await ReadToTempAsync(path, item.Length, count, cancellationToken).ConfigureAwait(false);
            await writer.WriteEntryAsync(new GnuTarEntry(TarEntryType.RegularFile, name)
            {
                DataStream = data,
                ModificationTime = item.LastWriteTime,
                Mode = item.Mode == 0 ? DefaultFileMode : (UnixFileMode)item.Mode,
            }, cancellationToken).ConfigureAwait(false);
            return;
        }
        if (name.Length > 0)
            await writer.WriteEntryAsync(new GnuTarEntry(TarEntryType.Directory, name)
            {
                ModificationTime = item.LastWriteTime,
                Mode = item.Mode == 0 ? DefaultFileMode | UnixFileMode.UserExecute : (UnixFileMode)item.Mode,
            }, cancellationToken).ConfigureAwait(false);
        foreach (WorkspaceItem child in (await ListAsync(path, false, cancellationToken).ConfigureAwait(false)).OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            string childName = CheckedName(child, path);
            await AddAsync(writer, child, name.Length == 0 ? childName : $"{name}/{childName}", child.Path, count, cancellationToken).ConfigureAwait(false);
        }
    }

    // The endpoint's answers are data, not paths to trust: a listed name must be one file name.
    private string CheckedName(WorkspaceItem child, string folder) =>
        child.Name is "" or "." or ".." || child.Name.Contains('/') || child.Name.Contains('\0')
            ? throw new AgbException(AgbErrorKind.Platform, "AgbUnsafeListing",
                $"Session {session.Id} at {session.Location} listed an item named '{child.Name.Replace('\n', '?')}' in {folder}, which is not a file name; nothing of it was copied.",
                "The endpoint is broken or hostile; copy from a trusted AgbCode server.")
            : child.Name;

    /// <summary>The file's bytes, read in chunks into a temporary file that deletes itself (the tar entry needs its length).</summary>
    private async Task<FileStream> ReadToTempAsync(string path, long size, Action<int> count, CancellationToken cancellationToken)
    {
        var temp = new FileStream(Path.Combine(Path.GetTempPath(), "agbcode-" + Guid.NewGuid().ToString("N")), FileMode.CreateNew, FileAccess.ReadWrite,
            FileShare.None, 1 << 16, FileOptions.DeleteOnClose | FileOptions.Asynchronous);
        try
        {
            for (long offset = 0; offset < size;)
            {
                int want = (int)Math.Min(options.FileChunkBytes, size - offset);
                byte[] chunk = await ReadAsync(path, offset, want, cancellationToken).ConfigureAwait(false);
                if (chunk.Length == 0)
                    break;   // the file shrank while it was read
                if (chunk.Length > want)
                    throw AgbErrors.FileTool(session.Id, session.Location, "read_file", $"asked for {want} bytes of {path}, got {chunk.Length}");
                await temp.WriteAsync(chunk, cancellationToken).ConfigureAwait(false);
                offset += chunk.Length;
                count(chunk.Length);
            }
            temp.Position = 0;
            return temp;
        }
        catch
        {
            await temp.DisposeAsync().ConfigureAwait(false);
            throw;
        }
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

    private static AgbException Refused(string member, string why) => new(AgbErrorKind.BadInput, "AgbUnsafeArchive",
        $"The archive member '{member}' was refused: {why}.", "Copy items whose names are relative and stay inside the destination.");
}
