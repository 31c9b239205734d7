using System.Collections.Concurrent;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Platform;

/// <summary>
/// The engine's mounts, made in-process: a volume image on a loop device, a tmpfs, and unmounting. A volume is mounted
/// from a device node with a neutral name (the mount table's source column is that name, so a sandbox's
/// /proc/self/mountinfo shows neither a host path nor a loop device); the name is resolved relative to the working folder
/// of one dedicated thread that has a working folder of its own, so the rest of the process is never moved.
/// </summary>
internal static class VolumeMounts
{
    private static readonly Lazy<BlockingCollection<Action>> Work = new(StartThread);

    /// <summary>Mounts <paramref name="image"/> (ext4) at <paramref name="mountPoint"/>, nosuid,nodev, listed as <paramref name="deviceName"/>.</summary>
    public static Task MountImageAsync(string image, string mountPoint, string deviceName)
    {
        var done = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        Work.Value.Add(() =>
        {
            try
            {
                MountImage(image, mountPoint, deviceName);
                done.SetResult();
            }
            catch (Exception failure)
            {
                done.SetException(failure);
            }
        });
        return done.Task;
    }

    private static void MountImage(string image, string mountPoint, string deviceName)
    {
        var (device, minor) = LoopDevice.Attach(image);
        using (device)   // closing it leaves the mount as the device's only user: autoclear detaches it on unmount
        {
            // The node lives on a tmpfs of its own: the workspace folder's file system may be mounted nodev.
            string nodeFolder = mountPoint + ".dev";
            Directory.CreateDirectory(nodeFolder, UnixFileMode.UserRead | UnixFileMode.UserWrite | UnixFileMode.UserExecute);
            try
            {
                MountCalls.Mount("tmpfs", nodeFolder, "tmpfs", MountCalls.MS_NOSUID, "size=16k,mode=0700", "the volume's device node folder");
                try
                {
                    MountCalls.MakeBlockDevice(Path.Combine(nodeFolder, deviceName), LoopDevice.Major, minor);
                    MountCalls.ChangeDirectory(nodeFolder);
                    try
                    {
                        MountCalls.Mount(deviceName, mountPoint, "ext4", MountCalls.MS_NOSUID | MountCalls.MS_NODEV, "errors=remount-ro", $"the volume {image}");
                    }
                    finally
                    {
                        MountCalls.ChangeDirectory("/");
                    }
                }
                finally
                {
                    MountCalls.Unmount(nodeFolder);
                }
            }
            finally
            {
                Directory.Delete(nodeFolder);
            }
        }
    }

    /// <summary>A tmpfs at <paramref name="mountPoint"/>, nosuid,nodev, with the tmpfs <paramref name="options"/> (size=, mode=, uid=, gid=).</summary>
    public static void MountTmpfs(string mountPoint, string options, ulong extraFlags = 0) =>
        MountCalls.Mount("tmpfs", mountPoint, "tmpfs", MountCalls.MS_NOSUID | MountCalls.MS_NODEV | extraFlags, options, "a tmpfs");

    /// <summary>Makes a tmpfs read-only (its options kept).</summary>
    public static void RemountReadOnly(string mountPoint, string options) =>
        MountTmpfs(mountPoint, options, MountCalls.MS_REMOUNT | MountCalls.MS_RDONLY);

    /// <summary>Unmounts (lazily when still busy); false when nothing was mounted there.</summary>
    public static bool Unmount(string mountPoint) => MountCalls.Unmount(mountPoint);

    /// <summary>
    /// What a mounted volume's files take, by the file system's own count (statvfs, as df shows it), so it costs nothing
    /// however many files there are; null when it cannot be read.
    /// </summary>
    public static long? UsedBytes(string mountPoint)
    {
        try
        {
            var volume = new DriveInfo(mountPoint);
            return volume.TotalSize - volume.TotalFreeSpace;
        }
        catch (Exception failure) when (failure is IOException or UnauthorizedAccessException)
        {
            return null;
        }
    }

    private static BlockingCollection<Action> StartThread()
    {
        var work = new BlockingCollection<Action>();
        var ready = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        var thread = new Thread(() =>
        {
            try
            {
                MountCalls.OwnWorkingDirectory();
                ready.SetResult();
            }
            catch (Exception failure)
            {
                ready.SetException(failure);
                return;
            }
            foreach (Action action in work.GetConsumingEnumerable())
                action();
        }) { IsBackground = true, Name = "agbcode-mounts" };
        thread.Start();
        ready.Task.GetAwaiter().GetResult();
        return work;
    }
}
