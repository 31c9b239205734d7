using System.Globalization;
using AgbCode.Core.Errors;
using AgbCode.Engine.Host;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Contexts;

/// <summary>
/// A context held by one session: the flock on its claim file (so no other session, in this process or another one
/// sharing the state folder, can mount it; the kernel drops it when the process dies) and, once attached, its files
/// on the host, ready to bind into the session's sandboxes at <see cref="SandboxPath"/>.
/// </summary>
internal sealed class ContextClaim : IDisposable
{
    private readonly ContextFolder _folder;
    private FileLock? _lock;
    private Workspace? _volume;

    public ContextClaim(ContextFolder folder, ContextRecord record, string sandboxPath, FileLock claim)
    {
        _folder = folder;
        Record = record;
        SandboxPath = sandboxPath;
        _lock = claim;
    }

    public ContextRecord Record { get; }
    public string SandboxPath { get; }

    /// <summary>
    /// Makes the context's files the session's and gives their host folder. A volume is mounted where no sandbox sees
    /// it, then chown -R -P -h hands every entry to <paramref name="uid"/>: -h changes a link itself (lchown) and -P never
    /// follows one, and no process of any session can reach the volume until this returns.
    /// </summary>
    public SandboxBind Attach(EngineHost host, uint? uid)
    {
        if (!File.Exists(_folder.VolumeImage))
            return new SandboxBind(_folder.FilesDir, SandboxPath);
        WaitUntilDetached();
        Repair();
        string owner = (uid ?? Native.Libc.geteuid()).ToString(CultureInfo.InvariantCulture);
        _volume = Workspace.MountVolume(host.Root, host.Ledger, _folder.VolumeImage, "context volume", mountPoint =>
        {
            HostCommand.Run(Tools.Chown, "-R", "-P", "-h", $"{owner}:{owner}", "--", mountPoint);
            File.SetUnixFileMode(mountPoint, StateRoot.Private);
        });
        return new SandboxBind(_volume.HostPath, SandboxPath);
    }

    /// <summary>
    /// A volume the host went down with (never unmounted) is checked and repaired before it is mounted again; a clean
    /// one costs a read of its superblock. The image is only ever written by the kernel's ext4 driver, never by a sandbox.
    /// </summary>
    private void Repair()
    {
        var (exitCode, output) = HostCommand.TryRun(Tools.E2fsck, "-p", _folder.VolumeImage);
        if (exitCode > 1)   // 0: clean, 1: errors fixed; more: left unfixed
            throw new AgbException(AgbErrorKind.Platform, "AgbContextDamaged",
                $"Context '{Record.Name}' has file system errors that e2fsck -p could not repair (exit code {exitCode}): {Core.Display.InertText.OneLine(output, 300)}",
                $"An administrator can run e2fsck on {_folder.VolumeImage} by hand, or remove the context (Remove-AgbContext) and make it again.");
    }

    /// <summary>
    /// The flock goes the moment a holding process dies, its mount only when its guardian has run: a volume mounted twice
    /// would be corrupted, so this waits (a bounded time) until no loop device is backed by the image any more.
    /// </summary>
    private void WaitUntilDetached()
    {
        for (int attempt = 0; attempt < 300; attempt++)
        {
            if (HostCommand.Run(Tools.Losetup, "-j", _folder.VolumeImage).Trim().Length == 0)
                return;
            Thread.Sleep(100);
        }
        throw new AgbException(AgbErrorKind.InvalidState, Core.Contexts.ContextErrors.InUseId,
            $"Context '{Record.Name}' is still mounted by a process that ended; its cleanup has not finished.",
            "Try again in a minute; if it persists, check that the AgbCode engine's guardian process can run (a stuck umount).");
    }

    /// <summary>Unmounts the volume (when there is one); the claim stays held.</summary>
    public void Detach()
    {
        _volume?.Remove();
        _volume = null;
    }

    /// <summary>Unmounts the volume and lets go of the claim.</summary>
    public void Dispose()
    {
        Detach();
        FileLock? claim = Interlocked.Exchange(ref _lock, null);
        if (claim is null)
            return;
        File.Delete(_folder.HolderFile);
        claim.Dispose();
    }
}

/// <summary>The contexts one session mounts: claimed before the session is made, attached once it has its uid.</summary>
internal sealed class SessionContexts(IReadOnlyList<ContextClaim> claims) : IDisposable
{
    public IReadOnlyList<ContextClaim> Claims => claims;

    public IReadOnlyList<SandboxBind> Attach(EngineHost host, uint? uid) => [.. claims.Select(c => c.Attach(host, uid))];

    public void Detach()
    {
        foreach (ContextClaim claim in claims)
            claim.Detach();
    }

    public void Dispose()
    {
        foreach (ContextClaim claim in claims.Reverse())
            claim.Dispose();
    }
}
