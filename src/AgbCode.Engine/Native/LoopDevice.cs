using System.Runtime.InteropServices;
using Microsoft.Win32.SafeHandles;

namespace AgbCode.Engine.Native;

/// <summary>
/// Attaches an image file to a free loop device in-process (what mount -o loop and losetup do): LOOP_CTL_GET_FREE, then
/// LOOP_CONFIGURE with autoclear, so the device detaches by itself once the last user (the mount) lets go of it.
/// </summary>
internal static partial class LoopDevice
{
    private const string Control = "/dev/loop-control";
    public const uint Major = 7;
    private const nuint LOOP_CTL_GET_FREE = 0x4C82;
    private const nuint LOOP_CONFIGURE = 0x4C0A;
    private const uint LO_FLAGS_AUTOCLEAR = 4;
    private const int ConfigSize = 304;      // struct loop_config: fd, block_size, loop_info64 (232 bytes), 8 reserved u64
    private const int FlagsOffset = 8 + 52;  // loop_info64.lo_flags
    private const int Attempts = 16;         // another process may take the free device between the two calls

    [LibraryImport("libc", EntryPoint = "ioctl", SetLastError = true)]
    private static partial int ioctl(int fd, nuint request, nint argument);

    /// <summary>The attached device, open; its minor number names it. Dispose it once the device is mounted (autoclear then waits for the mount).</summary>
    public static (SafeFileHandle Device, uint Minor) Attach(string image)
    {
        using SafeFileHandle control = Open(Control, "the loop device control (is the loop module loaded, and /dev/loop-control there?)");
        using SafeFileHandle backing = Open(image, "the volume image");
        for (int attempt = 0; ; attempt++)
        {
            int minor = ioctl((int)control.DangerousGetHandle(), LOOP_CTL_GET_FREE, 0);
            if (minor < 0)
                throw Libc.Failure("find a free loop device", "free loop devices (losetup -D) or raise the loop module's max_loop");
            SafeFileHandle device = Open($"/dev/loop{minor}", "a loop device");
            if (Configure(device, backing) == 0)
                return (device, (uint)minor);
            bool taken = Marshal.GetLastPInvokeError() == Libc.EBUSY;
            IOException failure = Libc.Failure($"attach {image} to /dev/loop{minor}", "check that the image is a regular file the engine can write");
            device.Dispose();
            if (!taken || attempt == Attempts)
                throw failure;
        }
    }

    private static unsafe int Configure(SafeFileHandle device, SafeFileHandle backing)
    {
        byte* config = stackalloc byte[ConfigSize];
        new Span<byte>(config, ConfigSize).Clear();
        *(uint*)config = (uint)backing.DangerousGetHandle();
        *(uint*)(config + FlagsOffset) = LO_FLAGS_AUTOCLEAR;
        return ioctl((int)device.DangerousGetHandle(), LOOP_CONFIGURE, (nint)config);
    }

    private static SafeFileHandle Open(string path, string what)
    {
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CLOEXEC, 0);
        if (fd < 0)
            throw Libc.Failure($"open {what}, {path}", "the engine must run as root with the host's /dev");
        return new SafeFileHandle(fd, ownsHandle: true);
    }
}
