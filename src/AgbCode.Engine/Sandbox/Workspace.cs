using System.Globalization;
using System.Security.Cryptography;
using AgbCode.Engine.Host;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// A session's workspace, bound as home and cwd into each of its kernels. A root engine gives it its own ext4 volume
/// (a sparse image, loop-mounted nosuid,nodev) so its size is capped and removing it never walks user files; otherwise
/// it is a private folder. Host-side code never follows a link inside it.
/// </summary>
internal sealed class Workspace
{
    private readonly EngineLedger _ledger;
    private readonly List<LedgerEntry> _entries;
    private readonly string? _image;

    private Workspace(string hostPath, string? image, List<LedgerEntry> entries, EngineLedger ledger)
    {
        HostPath = hostPath;
        _image = image;
        _entries = entries;
        _ledger = ledger;
    }

    public string HostPath { get; }
    public bool IsVolume => _image is not null;

    /// <summary>An unguessable folder name: the host path shows inside the sandbox in /proc/self/mountinfo.</summary>
    private static string OpaqueName() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    public static Workspace CreateVolume(StateRoot root, EngineLedger ledger, uint uid, long sizeBytes)
    {
        string name = OpaqueName();
        string image = Path.Combine(root.ImagesDir, name + ".img");
        string mountPoint = Path.Combine(root.WorkspacesDir, name);
        var entries = new List<LedgerEntry>();
        var workspace = new Workspace(mountPoint, image, entries, ledger);
        try
        {
            entries.Add(ledger.Add(LedgerEntry.Image, image));
            using (var file = new FileStream(image, FileMode.CreateNew, FileAccess.Write, FileShare.None))
                file.SetLength(sizeBytes);
            string owner = uid.ToString(CultureInfo.InvariantCulture);
            HostCommand.Run(Tools.MkfsExt4, "-q", "-F", "-m", "0", "-O", "^has_journal",
                "-E", $"root_owner={owner}:{owner},lazy_itable_init=1,nodiscard", image);
            entries.Add(ledger.Add(LedgerEntry.MountPoint, mountPoint));
            Directory.CreateDirectory(mountPoint, StateRoot.Private);
            entries.Add(ledger.Add(LedgerEntry.Mount, mountPoint));
            HostCommand.Run(Tools.Mount, "-o", "loop,nosuid,nodev,errors=remount-ro", image, mountPoint);
            File.SetUnixFileMode(mountPoint, StateRoot.Private);
            Directory.Delete(Path.Combine(mountPoint, "lost+found"));
            return workspace;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            workspace.Remove();
            throw new Core.Errors.AgbException(Core.Errors.AgbErrorKind.Platform, "AgbWorkspaceUnavailable",
                $"The session's workspace volume could not be created in {root.WorkspaceRoot}: {failure.Message}",
                $"Free space on that volume, or point {StateRoot.WorkspaceVariable} at a volume with room.", failure);
        }
    }

    public static Workspace CreateDirectory(StateRoot root, EngineLedger ledger)
    {
        string path = Path.Combine(root.WorkspacesDir, OpaqueName());
        var entries = new List<LedgerEntry> { ledger.Add(LedgerEntry.Directory, path) };
        Directory.CreateDirectory(path, StateRoot.Private);
        return new Workspace(path, null, entries, ledger);
    }

    /// <summary>Removes the workspace. Call only when no process of the session is left.</summary>
    public void Remove()
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            LedgerEntry entry = _entries[i];
            switch (entry.Kind)
            {
                case LedgerEntry.Mount:
                    if (HostCommand.TryRun(Tools.Umount, entry.Value).ExitCode != 0)
                        HostCommand.Run(Tools.Umount, "-l", entry.Value);
                    break;
                case LedgerEntry.MountPoint when Directory.Exists(entry.Value):
                    Directory.Delete(entry.Value);
                    break;
                case LedgerEntry.Image:
                    File.Delete(entry.Value);
                    break;
                case LedgerEntry.Directory:
                    DeleteTree(new DirectoryInfo(entry.Value));
                    break;
            }
            _ledger.Remove(entry);
        }
        _entries.Clear();
    }

    /// <summary>Deletes a folder tree; a link is removed as a link, never followed.</summary>
    internal static void DeleteTree(DirectoryInfo directory)
    {
        if (!directory.Exists)
            return;
        foreach (FileSystemInfo entry in directory.EnumerateFileSystemInfos())
        {
            if (entry is DirectoryInfo child && entry.LinkTarget is null)
                DeleteTree(child);
            else
                File.Delete(entry.FullName);   // unlink(2): a link goes, its target stays
        }
        directory.Delete();
    }
}
