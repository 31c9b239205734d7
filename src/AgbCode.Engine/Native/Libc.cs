using System.Runtime.InteropServices;

namespace AgbCode.Engine.Native;

/// <summary>The few libc calls .NET does not expose.</summary>
internal static partial class Libc
{
    public const int SIGINT = 2;
    public const int SIGKILL = 9;
    public const int LOCK_EX = 2;
    public const int LOCK_NB = 4;
    public const int ENOENT = 2;
    public const int ESRCH = 3;
    public const int EBUSY = 16;
    public const int EINVAL = 22;

    [LibraryImport("libc", SetLastError = true)]
    public static partial int kill(int pid, int signal);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int flock(int fd, int operation);

    public const int O_RDWR = 2;
    public const int O_CREAT = 0x40;
    public const int O_CLOEXEC = 0x80000;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int open(string path, int flags, int mode);

    [LibraryImport("libc", SetLastError = true)]
    public static partial int close(int fd);

    [LibraryImport("libc")]
    public static partial uint geteuid();

    [LibraryImport("libc")]
    public static partial uint getegid();

    public const int W_OK = 2;

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    public static partial int access(string path, int mode);

    public static bool IsRoot => geteuid() == 0;

    /// <summary>Sends a signal; false when the process no longer exists.</summary>
    public static bool Signal(int pid, int signal) => kill(pid, signal) == 0 || Marshal.GetLastPInvokeError() != ESRCH;

    /// <summary>The failure of the libc call just made: what was attempted, the system's reason and errno, and the fix.</summary>
    public static IOException Failure(string action, string fix)
    {
        int error = Marshal.GetLastPInvokeError();
        return new IOException($"Cannot {action}: {Marshal.GetPInvokeErrorMessage(error)} (errno {error}); {fix}.");
    }
}
