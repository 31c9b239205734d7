using System.Globalization;
using AgbCode.Core.Errors;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine.Contexts;

/// <summary>
/// A context held by one session: the flock on its claim file (so no other session, in this process or another one
/// sharing the state folder, can mount it; the kernel drops it when the process dies) and, once attached, its files
/// on the host, ready to bind into the session's sandboxes at <see cref="SandboxPath"/>.
/// </summary>
internal sealed class ContextClaim : IAsyncDisposable
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
    public async Task<SandboxBind> AttachAsync(EngineHost host, uint? uid, CancellationToken cancellationToken)
    {
        if (!File.Exists(_folder.VolumeImage))
            return new SandboxBind(_folder.FilesDir, SandboxPath);
        await WaitUntilDetachedAsync(cancellationToken).ConfigureAwait(false);
        await RepairAsync(cancellationToken).ConfigureAwait(false);
        string owner = (uid ?? Native.Libc.geteuid()).ToString(CultureInfo.InvariantCulture);
        _volume = await Workspace.MountVolumeAsync(host.Root, host.Ledger, _folder.VolumeImage, "context volume", async mountPoint =>
        {
            await HostCommand.RunAsync(Tools.Chown, ["-R", "-P", "-h", $"{owner}:{owner}", "--", mountPoint], cancellationToken).ConfigureAwait(false);
            File.SetUnixFileMode(mountPoint, StateRoot.Private);
        }, cancellationToken).ConfigureAwait(false);
        return new SandboxBind(_volume.HostPath, SandboxPath);
    }

    /// <summary>
    /// A volume the host went down with (never unmounted) is checked and repaired before it is mounted again; a clean
    /// one costs a read of its superblock. The image is only ever written by the kernel's ext4 driver, never by a sandbox.
    /// </summary>
    private async Task RepairAsync(CancellationToken cancellationToken)
    {
        var (exitCode, output) = await HostCommand.TryRunAsync(Tools.E2fsck, ["-p", _folder.VolumeImage], cancellationToken).ConfigureAwait(false);
        if (exitCode > 1)   // 0: clean, 1: errors fixed; more: left unfixed
            throw new AgbException(AgbErrorKind.Platform, Core.Contexts.ContextErrors.DamagedId,
                $"Context '{Record.Name}' has file system errors that e2fsck -p could not repair (exit code {exitCode}): {Core.Display.InertText.OneLine(output, 300)}",
                $"An administrator can run e2fsck on {_folder.VolumeImage} by hand, or remove the context (Remove-AgbContext) and make it again.");
    }

    /// <summary>
    /// The flock goes the moment a holding process dies, its mount only when its guardian has run: a volume mounted twice
    /// would be corrupted, so this waits (a bounded time) until no loop device is backed by the image any more.
    /// </summary>
    private async Task WaitUntilDetachedAsync(CancellationToken cancellationToken)
    {
        for (int attempt = 0; attempt < 300; attempt++)
        {
            if ((await HostCommand.RunAsync(Tools.Losetup, ["-j", _folder.VolumeImage], cancellationToken).ConfigureAwait(false)).Trim().Length == 0)
                return;
            await Task.Delay(100, cancellationToken).ConfigureAwait(false);
        }
        throw new AgbException(AgbErrorKind.InvalidState, Core.Contexts.ContextErrors.InUseId,
            $"Context '{Record.Name}' is still mounted by a process that ended; its cleanup has not finished.",
            "Try again in a minute; if it persists, check that the AgbCode engine's guardian process can run (a stuck umount).");
    }

    /// <summary>Unmounts the volume (when there is one), recording first what its files take; the claim stays held.</summary>
    public async Task DetachAsync()
    {
        if (Interlocked.Exchange(ref _volume, null) is not Workspace volume)
            return;
        RecordUsedBytes(volume.HostPath);
        await volume.RemoveAsync().ConfigureAwait(false);
    }

    /// <summary>
    /// Written while the claim is held: nobody else writes the record then. A figure that cannot be read is skipped: it
    /// is something to show, not a reason to keep a volume mounted.
    /// </summary>
    private void RecordUsedBytes(string mountPoint)
    {
        if (VolumeMounts.UsedBytes(mountPoint) is long used && _folder.ReadRecord() is ContextRecord record)
            _folder.WriteRecord(record with { UsedBytes = used });
    }

    /// <summary>Unmounts the volume and lets go of the claim.</summary>
    public async ValueTask DisposeAsync()
    {
        await DetachAsync().ConfigureAwait(false);
        Release();
    }

    /// <summary>Lets go of the claim (after the volume is detached, or before it was ever attached).</summary>
    public void Release()
    {
        FileLock? claim = Interlocked.Exchange(ref _lock, null);
        if (claim is null)
            return;
        File.Delete(_folder.HolderFile);
        claim.Dispose();
    }
}

/// <summary>The contexts one session mounts: claimed before the session is made, attached once it has its uid.</summary>
internal sealed class SessionContexts(IReadOnlyList<ContextClaim> claims) : IAsyncDisposable
{
    public IReadOnlyList<ContextClaim> Claims => claims;

    public async Task<IReadOnlyList<SandboxBind>> AttachAsync(EngineHost host, uint? uid, CancellationToken cancellationToken)
    {
        var binds = new List<SandboxBind>();
        foreach (ContextClaim claim in claims)
            binds.Add(await claim.AttachAsync(host, uid, cancellationToken).ConfigureAwait(false));
        return binds;
    }

    public async Task DetachAsync()
    {
        foreach (ContextClaim claim in claims)
            await claim.DetachAsync().ConfigureAwait(false);
    }

    public async ValueTask DisposeAsync()
    {
        foreach (ContextClaim claim in claims.Reverse())
            await claim.DisposeAsync().ConfigureAwait(false);
    }
}
