using System.Formats.Tar;

namespace AgbCode.PowerShell.Files;

/// <summary>A local item to send into a session, and its name in the archive ("data/in.csv").</summary>
internal sealed record UploadItem(string LocalPath, string EntryName, long Length, bool IsDirectory = false);

/// <summary>
/// Writes local files and folders as a tar stream, one file at a time straight from disk (nothing is buffered whole).
/// The items a caller names are followed when they are links; links found inside a folder are sent as links.
/// </summary>
internal static class UploadArchive
{
    /// <summary>The item and, for a folder, everything below it, in a stable order.</summary>
    public static IEnumerable<UploadItem> Plan(string localPath, string entryName)
    {
        string path = new FileInfo(localPath).ResolveLinkTarget(returnFinalTarget: true)?.FullName ?? localPath;
        if (!Directory.Exists(path))
        {
            yield return new UploadItem(path, entryName, new FileInfo(path).Length);
            yield break;
        }
        yield return new UploadItem(path, entryName, 0, IsDirectory: true);
        foreach (UploadItem below in Below(new DirectoryInfo(path), entryName))
            yield return below;
    }

    private static IEnumerable<UploadItem> Below(DirectoryInfo folder, string entryName)
    {
        foreach (FileSystemInfo child in folder.EnumerateFileSystemInfos().OrderBy(c => c.Name, StringComparer.Ordinal))
        {
            string name = entryName + "/" + child.Name;
            bool isLink = child.LinkTarget is not null;
            yield return new UploadItem(child.FullName, name, !isLink && child is FileInfo file ? file.Length : 0, IsDirectory: !isLink && child is DirectoryInfo);
            if (!isLink && child is DirectoryInfo subfolder)
                foreach (UploadItem below in Below(subfolder, name))
                    yield return below;
        }
    }

    /// <summary>
    /// Writes the items to <paramref name="output"/> as a tar stream (GNU format). An item that cannot be read is left
    /// out and reported to <paramref name="skipped"/>; the stream stays valid.
    /// </summary>
    public static void Write(Stream output, IEnumerable<UploadItem> items, Action<UploadItem, Exception> skipped)
    {
        // GNU headers: .NET's TarReader (the remote client's) cannot read a pax record whose value holds a newline
        using var writer = new TarWriter(output, TarEntryFormat.Gnu, leaveOpen: true);
        foreach (UploadItem item in items)
        {
            try
            {
                writer.WriteEntry(item.LocalPath, item.EntryName);
            }
            catch (Exception failure) when (failure is UnauthorizedAccessException or FileNotFoundException or DirectoryNotFoundException)
            {
                skipped(item, failure);
            }
        }
    }
}
