using System.Buffers;
using System.Formats.Tar;
using System.Text;
using AgbCode.Core.Errors;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// Unpacks a tar stream that came out of a sandbox (hostile by definition) into a local folder. Refused, each on its
/// own and without writing anything: absolute names, "..", names this file system cannot hold, device nodes and FIFOs,
/// symbolic links that could lead outside the destination, hard links to anything but a file this archive wrote, and
/// any path through an existing symbolic link (nothing is ever written through a link). Each file is written to a
/// temporary name and renamed when complete; claimed sizes are checked against the limits and the free space first.
/// </summary>
internal sealed class SafeTarExtractor(string destination, bool overwrite, TransferLimits limits)
{
    private const int MaxNameBytes = 255;
    private const string PartPrefix = ".agbcode-part-";
    // rwx for owner, group and others: never setuid, setgid or sticky from a session
    private const UnixFileMode Permissions = (UnixFileMode)0x1FF;
    private static readonly char[] Unholdable = Path.GetInvalidFileNameChars();
    private readonly string _root = Path.GetFullPath(destination);
    private readonly Dictionary<string, string> _writtenFiles = new(StringComparer.Ordinal);
    private long _claimedBytes;
    private long _entries;

    /// <summary>Called on the extracting thread with the bytes written so far.</summary>
    public Action<long>? Progress { get; set; }

    public long BytesWritten { get; private set; }

    /// <summary>
    /// The entries of <paramref name="archive"/>, each written or refused, in archive order. <paramref name="map"/> turns
    /// an entry's checked relative name ("a/b.txt") into its relative place under the destination, or null to skip it.
    /// Throws AgbCopyTooLarge or AgbArchiveInvalid when the rest of the archive cannot be trusted, AgbFolderUnusable when the
    /// destination cannot be a folder.
    /// </summary>
    public IEnumerable<ExtractedItem> Extract(Stream archive, Func<string, string?> map)
    {
        LocalFolder.Make(_root);
        using var reader = new TarReader(archive, leaveOpen: true);
        while (Next(reader) is { } entry)
        {
            if (++_entries > limits.MaxEntries)
                throw limits.TooManyEntries();
            if (Checked(entry.Name) is not { } name)
            {
                yield return Refusal(entry.Name);
                continue;
            }
            if (name.Length == 0 || map(name) is not { } place)
                continue;
            yield return Guarded(() => Extract(entry, name, place));
        }
    }

    private static TarEntry? Next(TarReader reader) => Guarded(() => reader.GetNextEntry(copyData: false));

    private static T Guarded<T>(Func<T> read)
    {
        try
        {
            return read();
        }
        catch (Exception failure) when (failure is InvalidDataException or FormatException or EndOfStreamException or ArgumentException)
        {
            throw new AgbException(AgbErrorKind.Platform, LocalErrors.ArchiveInvalid,
                $"The archive from the session is not a valid tar stream: {failure.Message}", "Nothing after the last item written was copied; copy again.");
        }
    }

    private ExtractedItem Extract(TarEntry entry, string name, string place)
    {
        string[] parts = place.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Length == 0)   // the destination itself
            return entry.EntryType == TarEntryType.Directory ? ExtractedItem.Written(name, _root, isDirectory: true) : Refusal(name);
        string target = Path.Combine([_root, .. parts]);
        if (WayBlockedAt(parts) is { } blocked)
            return ExtractedItem.Refused(name, LocalErrors.DestinationLink,
                $"'{InertText.OneLine(name)}' was not copied: '{InertText.OneLine(blocked)}' on this machine is a symbolic link or a file, and nothing is written through one.",
                "Remove the link or copy to another destination.");
        return entry.EntryType switch
        {
            TarEntryType.Directory => Folder(entry, name, target),
            TarEntryType.RegularFile or TarEntryType.V7RegularFile or TarEntryType.ContiguousFile => File(entry, name, target),
            TarEntryType.SymbolicLink => SymbolicLink(entry, name, target, parts.Length - 1),
            TarEntryType.HardLink => HardLink(entry, name, target),
            _ => ExtractedItem.Refused(name, LocalErrors.UnsupportedItem,
                $"'{InertText.OneLine(name)}' was not copied: it is a {Describe(entry.EntryType)}, which is never copied out of a session.",
                "Copy regular files, folders and links only."),
        };
    }

    /// <summary>The entry name split and checked, joined with '/'; "" for the archive's own root; null when refused.</summary>
    internal static string? Checked(string name)
    {
        if (name.StartsWith('/'))
            return null;
        var parts = name.Split('/').Where(p => p.Length > 0 && p != ".").ToArray();
        if (parts.Any(p => p == ".." || p.IndexOfAny(Unholdable) >= 0 || Encoding.UTF8.GetByteCount(p) > MaxNameBytes || p.StartsWith(PartPrefix, StringComparison.Ordinal)))
            return null;
        return string.Join('/', parts);
    }

    private static ExtractedItem Refusal(string name) => ExtractedItem.Refused(name, LocalErrors.UnsafeName,
        $"'{InertText.OneLine(name)}' was not copied: an item's name must stay inside the destination (no absolute path, no '..') and be one this file system can hold.",
        "Rename the item inside the session (e.g. with Invoke-AgbCode) and copy it again.");

    /// <summary>The first existing folder on the way to the item that is a link or not a folder, or null when the way is clear.</summary>
    private string? WayBlockedAt(string[] parts)
    {
        string current = _root;
        foreach (string part in parts[..^1])
        {
            current = Path.Combine(current, part);
            var info = new DirectoryInfo(current);
            if (info.LinkTarget is not null || System.IO.File.Exists(current))
                return current;
            if (!info.Exists)
                Directory.CreateDirectory(current);
        }
        return null;
    }

    private static bool IsLink(string path) => new FileInfo(path).LinkTarget is not null;

    private static bool Occupied(string path) => IsLink(path) || System.IO.File.Exists(path) || Directory.Exists(path);

    private static ExtractedItem Folder(TarEntry entry, string name, string target)
    {
        if (IsLink(target) || System.IO.File.Exists(target))
            return ExtractedItem.Refused(name, LocalErrors.DestinationLink,
                $"The folder '{InertText.OneLine(name)}' was not copied: '{InertText.OneLine(target)}' on this machine is a file or a link.", "Remove it or copy to another destination.");
        if (!Directory.Exists(target))
        {
            Directory.CreateDirectory(target);
            if (!OperatingSystem.IsWindows())
                System.IO.File.SetUnixFileMode(target, (entry.Mode & Permissions) | UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
        }
        return ExtractedItem.Written(name, target, isDirectory: true);
    }

    private ExtractedItem? InTheWay(string name, string target)
    {
        if (Directory.Exists(target) && !IsLink(target))
            return ExtractedItem.Refused(name, LocalErrors.DestinationIsFolder,
                $"'{InertText.OneLine(name)}' was not copied: '{InertText.OneLine(target)}' on this machine is a folder.", "Remove the folder or copy to another destination.");
        if (!overwrite && Occupied(target))
            return ExtractedItem.Refused(name, LocalErrors.FileExists,
                $"'{InertText.OneLine(target)}' already exists; it was left as it was.", "Pass -Force to overwrite it, or copy to another destination.");
        return null;
    }

    private ExtractedItem File(TarEntry entry, string name, string target)
    {
        if (InTheWay(name, target) is { } refusal)
            return refusal;
        _claimedBytes += entry.Length;
        if (_claimedBytes > limits.MaxBytes || entry.Length < 0)
            throw limits.TooLarge(_claimedBytes);
        string folder = Path.GetDirectoryName(target)!;
        long free = new DriveInfo(folder).AvailableFreeSpace;
        if (entry.Length > free)
            throw new AgbException(AgbErrorKind.Platform, LocalErrors.DiskFull,
                $"'{InertText.OneLine(name)}' ({entry.Length >> 20} MiB) does not fit in the free space of '{folder}' ({free >> 20} MiB); nothing of it was written.",
                "Free some space or copy to another disk.");
        return Placed(name, target, part =>
        {
            var options = new FileStreamOptions { Mode = FileMode.CreateNew, Access = FileAccess.Write };
            if (!OperatingSystem.IsWindows())
                options.UnixCreateMode = UnixFileMode.UserRead | UnixFileMode.UserWrite;
            using (var output = new FileStream(part, options))
                Copy(entry.DataStream ?? Stream.Null, output, entry.Length);
            System.IO.File.SetLastWriteTimeUtc(part, entry.ModificationTime.UtcDateTime);
            if (!OperatingSystem.IsWindows())
                System.IO.File.SetUnixFileMode(part, (entry.Mode & Permissions) | UnixFileMode.UserRead | UnixFileMode.UserWrite);
            _writtenFiles[name] = target;
        });
    }

    private void Copy(Stream source, Stream output, long length)
    {
        byte[] buffer = ArrayPool<byte>.Shared.Rent(1 << 20);
        try
        {
            long left = length;
            while (left > 0)
            {
                int read = source.Read(buffer, 0, (int)Math.Min(buffer.Length, left));
                if (read == 0)
                    throw new EndOfStreamException("The archive ended inside a file.");
                output.Write(buffer, 0, read);
                left -= read;
                BytesWritten += read;
                Progress?.Invoke(BytesWritten);
            }
        }
        finally
        {
            ArrayPool<byte>.Shared.Return(buffer);
        }
    }

    /// <summary>
    /// A link is kept only when it cannot lead outside the destination: a relative target made of some leading ".."
    /// (no more than the link's depth) followed by plain names. Then, as nothing is written through links, every link
    /// it passes through is itself confined, and the whole chain stays inside.
    /// </summary>
    private ExtractedItem SymbolicLink(TarEntry entry, string name, string target, int depth)
    {
        string[] steps = entry.LinkName.Split('/').Where(p => p.Length > 0 && p != ".").ToArray();
        int ups = steps.TakeWhile(p => p == "..").Count();
        bool confined = entry.LinkName.Length > 0 && !entry.LinkName.StartsWith('/') && steps.Length > 0 && ups <= depth &&
                        steps.Skip(ups).All(p => p != ".." && p.IndexOfAny(Unholdable) < 0);
        if (!confined)
            return ExtractedItem.Refused(name, LocalErrors.LinkOutside,
                $"The link '{InertText.OneLine(name)}' was not copied: it points to '{InertText.OneLine(entry.LinkName)}', which could lead outside the destination.",
                "Copy the file the link points to instead of the link.");
        if (InTheWay(name, target) is { } refusal)
            return refusal;
        if (Occupied(target))
            System.IO.File.Delete(target);   // with -Force: a file or a link, never a folder (InTheWay refused those)
        System.IO.File.CreateSymbolicLink(target, entry.LinkName);   // made in one step: nothing partial to clean up
        return ExtractedItem.Written(name, target, isDirectory: false);
    }

    private ExtractedItem HardLink(TarEntry entry, string name, string target)
    {
        string? source = Checked(entry.LinkName) is { } linked ? _writtenFiles.GetValueOrDefault(linked) : null;
        if (source is null)
            return ExtractedItem.Refused(name, LocalErrors.LinkOutside,
                $"The hard link '{InertText.OneLine(name)}' was not copied: it names '{InertText.OneLine(entry.LinkName)}', which is not a file this copy wrote.",
                "Copy the file it names along with it.");
        if (InTheWay(name, target) is { } refusal)
            return refusal;
        return Placed(name, target, part => System.IO.File.Copy(source, part));
    }

    /// <summary>Makes the item under a temporary name beside the target, then renames it into place; no partial item remains.</summary>
    private ExtractedItem Placed(string name, string target, Action<string> make)
    {
        string part = Path.Combine(Path.GetDirectoryName(target)!, PartPrefix + Guid.NewGuid().ToString("N"));
        try
        {
            make(part);
            System.IO.File.Move(part, target, overwrite);   // a rename: an existing link is replaced, never followed
            return ExtractedItem.Written(name, target, isDirectory: false);
        }
        catch
        {
            if (Occupied(part))
                System.IO.File.Delete(part);
            throw;
        }
    }

    private static string Describe(TarEntryType type) => type switch
    {
        TarEntryType.CharacterDevice or TarEntryType.BlockDevice => "device node",
        TarEntryType.Fifo => "FIFO",
        _ => $"tar entry of type {type}",
    };
}
