using System.Globalization;
using System.Security.Cryptography;
using AgbCode.Core.Errors;
using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// A session's folder on the host: its workspace, bound as home and cwd into each of its sandboxes, or its /tmp. A root engine gives it its own ext4 volume
/// (a sparse image, loop-mounted nosuid,nodev) so its size is capped and removing it never walks user files; otherwise
/// it is a private folder. Host-side code never follows a link inside it.
/// </summary>
internal sealed class Workspace
{
    private readonly EngineLedger _ledger;
    private readonly List<LedgerEntry> _entries;

    private Workspace(string hostPath, List<LedgerEntry> entries, EngineLedger ledger)
    {
        HostPath = hostPath;
        _entries = entries;
        _ledger = ledger;
    }

    public string HostPath { get; }
    /// <summary>True when it is a file system of its own (ext4 volume or tmpfs), so its size is capped.</summary>
    public bool IsVolume => _entries.Any(e => e.Kind == LedgerEntry.Mount);

    /// <summary>An unguessable folder name: the host path shows inside the sandbox in /proc/self/mountinfo.</summary>
    private static string OpaqueName() => Convert.ToHexString(RandomNumberGenerator.GetBytes(12)).ToLowerInvariant();

    public static Task<Workspace> CreateVolumeAsync(StateRoot root, EngineLedger ledger, uint uid, long sizeBytes, CancellationToken cancellationToken)
    {
        string name = OpaqueName();
        string image = Path.Combine(root.ImagesDir, name + ".img");
        return MountedAsync(root, ledger, name, image, "workspace volume", async mountPoint =>
        {
            await MakeVolumeImageAsync(image, sizeBytes, uid, cancellationToken).ConfigureAwait(false);
            return async () =>
            {
                await VolumeMounts.MountImageAsync(image, mountPoint, VolumeDeviceName).ConfigureAwait(false);
                File.SetUnixFileMode(mountPoint, StateRoot.Private);
                Directory.Delete(Path.Combine(mountPoint, "lost+found"));
            };
        });
    }

    /// <summary>A sparse file of <paramref name="sizeBytes"/> with an empty ext4 file system whose root belongs to <paramref name="uid"/>.</summary>
    internal static async Task MakeVolumeImageAsync(string image, long sizeBytes, uint uid, CancellationToken cancellationToken)
    {
        using (var file = new FileStream(image, FileMode.CreateNew, FileAccess.Write, FileShare.None))
            file.SetLength(sizeBytes);
        string owner = uid.ToString(CultureInfo.InvariantCulture);
        await HostCommand.RunAsync(Tools.MkfsExt4, ["-q", "-F", "-m", "0", "-O", "^has_journal",
            "-E", $"root_owner={owner}:{owner},lazy_itable_init=1,nodiscard", image], cancellationToken).ConfigureAwait(false);
    }

    /// <summary>The source every volume's mount is listed under, on the host and in the sandboxes that see it.</summary>
    public const string VolumeDeviceName = "workspace";

    /// <summary>
    /// Mounts an existing volume image this workspace does not own (a context's) under an opaque name; <paramref name="prepare"/>
    /// runs on the mounted root before anyone else can reach it. Removing it unmounts the volume and keeps the image.
    /// </summary>
    public static Task<Workspace> MountVolumeAsync(StateRoot root, EngineLedger ledger, string image, string what,
        Func<string, Task> prepare, CancellationToken cancellationToken) =>
        MountedAsync(root, ledger, OpaqueName(), null, what, mountPoint => Task.FromResult<Func<Task>>(async () =>
        {
            await VolumeMounts.MountImageAsync(image, mountPoint, VolumeDeviceName).ConfigureAwait(false);
            await prepare(mountPoint).ConfigureAwait(false);
        }));

    /// <summary>
    /// A session's /tmp, shared by its kernels and file helpers: a tmpfs of <paramref name="sizeBytes"/> owned by the
    /// session's uid (memory-backed, so counted in the memory of whoever writes to it).
    /// </summary>
    public static Task<Workspace> CreateTmpfsAsync(StateRoot root, EngineLedger ledger, uint uid, long sizeBytes, CancellationToken cancellationToken)
    {
        string owner = uid.ToString(CultureInfo.InvariantCulture);
        return MountedAsync(root, ledger, OpaqueName(), null, "/tmp", mountPoint => Task.FromResult<Func<Task>>(() =>
        {
            VolumeMounts.MountTmpfs(mountPoint, $"size={sizeBytes.ToString(CultureInfo.InvariantCulture)},mode=0700,uid={owner},gid={owner}");
            return Task.CompletedTask;
        }));
    }

    /// <summary>
    /// A root engine's runtime view: a read-only tmpfs with a copy of what sandboxes bind from the runtime (drivers, etc),
    /// mounted once per engine. A sandbox's /proc/self/mountinfo then shows a tmpfs and paths inside it, never the
    /// engine's state path. Returns the mount and the runtime files as seen there.
    /// </summary>
    public static async Task<(Workspace Mount, RuntimeFiles Files)> CreateRuntimeViewAsync(StateRoot root, EngineLedger ledger, RuntimeFiles runtime)
    {
        const string options = "size=256m,mode=0755";   // a bound, not a reservation: it holds what is copied
        RuntimeFiles? view = null;
        Workspace mount = await MountedAsync(root, ledger, OpaqueName(), null, "runtime view", mountPoint => Task.FromResult<Func<Task>>(() =>
        {
            VolumeMounts.MountTmpfs(mountPoint, options);
            view = runtime.CopyViewTo(mountPoint);
            VolumeMounts.RemountReadOnly(mountPoint, options);
            return Task.CompletedTask;
        })).ConfigureAwait(false);
        return (mount, view!);
    }

    /// <summary>A mount point under the workspaces folder with a file system on it; every step is in the ledger first.</summary>
    private static async Task<Workspace> MountedAsync(StateRoot root, EngineLedger ledger, string name, string? image, string what,
        Func<string, Task<Func<Task>>> prepare)
    {
        string mountPoint = Path.Combine(root.WorkspacesDir, name);
        var entries = new List<LedgerEntry>();
        var workspace = new Workspace(mountPoint, entries, ledger);
        try
        {
            if (image is not null)
                entries.Add(ledger.Add(LedgerEntry.Image, image));
            Func<Task> mount = await prepare(mountPoint).ConfigureAwait(false);
            entries.Add(ledger.Add(LedgerEntry.MountPoint, mountPoint));
            Directory.CreateDirectory(mountPoint, StateRoot.Private);
            entries.Add(ledger.Add(LedgerEntry.Mount, mountPoint));
            await mount().ConfigureAwait(false);
            return workspace;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException or OperationCanceledException)
        {
            await workspace.RemoveAsync().ConfigureAwait(false);
            if (failure is OperationCanceledException)
                throw;
            throw new Core.Errors.AgbException(Core.Errors.AgbErrorKind.Platform, SessionErrors.WorkspaceUnavailable,
                $"The session's {what} could not be created in {root.WorkspaceRoot}: {failure.Message}",
                $"Free space on that volume, or point {StateRoot.WorkspaceVariable} at a volume with room.", failure);
        }
    }

    public static Workspace CreateDirectory(StateRoot root, EngineLedger ledger)
    {
        string path = Path.Combine(root.WorkspacesDir, OpaqueName());
        var entries = new List<LedgerEntry> { ledger.Add(LedgerEntry.Directory, path) };
        Directory.CreateDirectory(path, StateRoot.Private);
        return new Workspace(path, entries, ledger);
    }

    /// <summary>Removes the workspace (not cancellable: it runs to the end). Call only when no process of the session is left.</summary>
    public Task RemoveAsync()
    {
        for (int i = _entries.Count - 1; i >= 0; i--)
        {
            LedgerEntry entry = _entries[i];
            switch (entry.Kind)
            {
                case LedgerEntry.Mount:
                    VolumeMounts.Unmount(entry.Value);   // a loop device detaches by itself (autoclear)
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
        return Task.CompletedTask;
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
