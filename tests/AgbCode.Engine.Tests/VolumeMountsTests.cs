using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Tests;

/// <summary>
/// The engine's in-process mounts (loop device, mount(2), umount2(2)) that replaced the mount and umount programs: a
/// volume listed under its neutral name whose loop device goes with the unmount, and failures that name their cause.
/// Real loop devices and mounts; root only, as the root engine that uses them.
/// </summary>
public sealed class VolumeMountsTests : IDisposable
{
    private readonly string _folder = Directory.CreateTempSubdirectory("agbcode-mounts-").FullName;

    [Fact]
    public async Task A_volume_is_listed_under_its_neutral_name_and_its_loop_device_goes_with_the_unmount()
    {
        Assert.True(Native.Libc.IsRoot, "these tests mount, as the root engine does");
        string image = Path.Combine(_folder, "v.img"), mountPoint = Path.Combine(_folder, "m");
        Directory.CreateDirectory(mountPoint);
        await Sandbox.Workspace.MakeVolumeImageAsync(image, 8L << 20, 0, CancellationToken.None);

        await VolumeMounts.MountImageAsync(image, mountPoint, "neutral");
        string[] entry = MountEntry(mountPoint)!;
        Assert.Equal("neutral", entry[Array.IndexOf(entry, "-") + 2]);
        Assert.Contains("nosuid", entry[5]);
        Assert.Contains("nodev", entry[5]);
        Assert.Single(LoopsBackedBy(image));
        Assert.False(Directory.Exists(mountPoint + ".dev"));   // the named node was only there for the mount call

        Assert.True(VolumeMounts.Unmount(mountPoint));
        Assert.Null(MountEntry(mountPoint));
        AssertDetached(image);   // autoclear: nothing detaches it by hand
        Assert.False(VolumeMounts.Unmount(mountPoint));   // removal can be repeated
    }

    [Fact]
    public async Task A_volume_mounts_where_the_workspace_folder_s_file_system_allows_no_device_nodes()
    {
        string host = Path.Combine(_folder, "nodev");   // a workspace folder on a nodev file system, as /tmp or a volume often is
        Directory.CreateDirectory(host);
        VolumeMounts.MountTmpfs(host, "size=32m,mode=0700");
        try
        {
            string image = Path.Combine(host, "v.img"), mountPoint = Path.Combine(host, "m");
            Directory.CreateDirectory(mountPoint);
            await Sandbox.Workspace.MakeVolumeImageAsync(image, 8L << 20, 0, CancellationToken.None);

            await VolumeMounts.MountImageAsync(image, mountPoint, "neutral");

            Assert.Equal("neutral", MountEntry(mountPoint)![Array.IndexOf(MountEntry(mountPoint)!, "-") + 2]);
            Assert.True(VolumeMounts.Unmount(mountPoint));
            AssertDetached(image);
            Assert.False(Directory.Exists(mountPoint + ".dev"));
        }
        finally
        {
            VolumeMounts.Unmount(host);
        }
    }

    [Fact]
    public async Task An_image_that_is_no_file_system_fails_naming_the_image_and_the_reason_and_leaves_no_loop_device()
    {
        string image = Path.Combine(_folder, "garbage.img"), mountPoint = Path.Combine(_folder, "m");
        Directory.CreateDirectory(mountPoint);
        using (var file = File.Create(image))
            file.SetLength(8L << 20);

        IOException failure = await Assert.ThrowsAsync<IOException>(() => VolumeMounts.MountImageAsync(image, mountPoint, "neutral"));
        Assert.Contains($"mount the volume {image} at {mountPoint}", failure.Message);
        Assert.Contains("errno", failure.Message);
        Assert.Null(MountEntry(mountPoint));
        AssertDetached(image);
        Assert.False(Directory.Exists(mountPoint + ".dev"));
    }

    [Fact]
    public async Task A_missing_image_fails_naming_it()
    {
        string image = Path.Combine(_folder, "missing.img");
        IOException failure = await Assert.ThrowsAsync<IOException>(() => VolumeMounts.MountImageAsync(image, _folder, "neutral"));
        Assert.Contains($"open the volume image, {image}", failure.Message);
        Assert.Contains("No such file or directory", failure.Message);
    }

    [Fact]
    public void A_tmpfs_is_mounted_with_its_options_and_a_missing_mount_point_is_named()
    {
        string mountPoint = Path.Combine(_folder, "t");
        IOException failure = Assert.Throws<IOException>(() => VolumeMounts.MountTmpfs(mountPoint, "size=1m"));
        Assert.Contains($"mount a tmpfs at {mountPoint}", failure.Message);
        Assert.Contains("No such file or directory", failure.Message);

        Directory.CreateDirectory(mountPoint);
        VolumeMounts.MountTmpfs(mountPoint, "size=1m,mode=0700");
        try
        {
            string[] entry = MountEntry(mountPoint)!;
            Assert.Contains("size=1024k", entry[^1]);
            VolumeMounts.RemountReadOnly(mountPoint, "size=1m,mode=0700");
            Assert.StartsWith("ro,", MountEntry(mountPoint)![5]);
        }
        finally
        {
            Assert.True(VolumeMounts.Unmount(mountPoint));
        }
    }

    private static string[]? MountEntry(string mountPoint) =>
        File.ReadAllLines("/proc/self/mountinfo").Select(l => l.Split(' ')).SingleOrDefault(f => f[4] == mountPoint);

    /// <summary>The kernel may finish an autoclear detach on a work queue after the last close: allow it a while.</summary>
    private static void AssertDetached(string image)
    {
        for (int i = 0; i < 200 && LoopsBackedBy(image).Length > 0; i++)
            Thread.Sleep(50);
        Assert.Empty(LoopsBackedBy(image));
    }

    private static string[] LoopsBackedBy(string image) =>
        [.. Directory.GetDirectories("/sys/block", "loop*")
            .Where(d => File.Exists(Path.Combine(d, "loop", "backing_file"))
                        && File.ReadAllText(Path.Combine(d, "loop", "backing_file")).Trim() == image)];

    public void Dispose()
    {
        foreach (string mountPoint in Directory.GetDirectories(_folder))
            VolumeMounts.Unmount(mountPoint);
        Directory.Delete(_folder, recursive: true);
    }
}
