using System.Runtime.InteropServices;

namespace AgbCode.Engine.Native;

/// <summary>mount(2), umount2(2), mknod(2), unshare(2) and chdir(2): the mount work the engine does in-process instead of running mount, umount and mknod.</summary>
internal static partial class MountCalls
{
    public const ulong MS_RDONLY = 1;
    public const ulong MS_NOSUID = 2;
    public const ulong MS_NODEV = 4;
    public const ulong MS_REMOUNT = 32;
    private const int MNT_DETACH = 2;
    private const uint S_IFBLK = 0x6000;
    public const int CLONE_FS = 0x200;

    [LibraryImport("libc", EntryPoint = "mount", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mount(string source, string target, string? fileSystem, ulong flags, string? data);

    [LibraryImport("libc", EntryPoint = "umount2", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int umount2(string target, int flags);

    [LibraryImport("libc", EntryPoint = "mknod", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int mknod(string path, uint mode, ulong device);

    [LibraryImport("libc", EntryPoint = "unshare", SetLastError = true)]
    private static partial int unshare(int flags);

    [LibraryImport("libc", EntryPoint = "chdir", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int chdir(string path);

    /// <summary>mount(2); an IOException naming what, where, and the system's reason.</summary>
    public static void Mount(string source, string target, string? fileSystem, ulong flags, string? data, string what)
    {
        if (mount(source, target, fileSystem, flags, data) != 0)
            throw Libc.Failure($"mount {what} at {target}", "the engine must run as root on a kernel that offers that file system");
    }

    /// <summary>
    /// umount2(2): unmounts, lazily when something still holds the mount (EBUSY); false when nothing was mounted there
    /// (or the folder is gone), so removal can be repeated.
    /// </summary>
    public static bool Unmount(string target)
    {
        if (umount2(target, 0) == 0)
            return true;
        int error = Marshal.GetLastPInvokeError();
        if (error is Libc.EINVAL or Libc.ENOENT)
            return false;
        if (error == Libc.EBUSY && umount2(target, MNT_DETACH) == 0)
            return true;
        throw Libc.Failure($"unmount {target}", "see which process holds it (fuser -m) and end it");
    }

    /// <summary>A block device node (mode 0600) for the device major:minor.</summary>
    public static void MakeBlockDevice(string path, uint major, uint minor)
    {
        ulong device = ((ulong)(major & 0xfffff000) << 32) | ((ulong)(major & 0xfff) << 8) | ((ulong)(minor & 0xffffff00) << 12) | (minor & 0xff);
        if (mknod(path, S_IFBLK | 0x180, device) != 0)
            throw Libc.Failure($"make the device node {path}", "the engine must run as root on a file system that allows device nodes");
    }

    /// <summary>Gives the calling thread a working folder of its own (the rest of the process keeps the shared one).</summary>
    public static void OwnWorkingDirectory()
    {
        if (unshare(CLONE_FS) != 0)
            throw Libc.Failure("give a thread its own working folder (unshare CLONE_FS)", "the kernel refused; run the engine on Linux 2.6.16 or later");
    }

    public static void ChangeDirectory(string path)
    {
        if (chdir(path) != 0)
            throw Libc.Failure($"change the working folder to {path}", "check that the folder exists");
    }
}
