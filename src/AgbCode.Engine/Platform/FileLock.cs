using System.ComponentModel;
using System.Runtime.InteropServices;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Platform;

/// <summary>
/// An exclusive flock(2) on a file, shared with other engines on the host and with the reaper script (flock(1)).
/// The fd is opened with open(2) directly so that .NET's own FileStream locking cannot interfere.
/// </summary>
internal sealed class FileLock : IDisposable
{
    private int _fd;

    private FileLock(int fd) => _fd = fd;

    /// <summary>Blocks until the lock is held.</summary>
    public static FileLock Acquire(string path) => TryAcquire(path, wait: true)!;

    /// <summary>The lock, or null when another process holds it.</summary>
    public static FileLock? TryAcquire(string path, bool wait = false)
    {
        int fd = Libc.open(path, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0b110_000_000);
        if (fd < 0)
            throw new IOException($"Cannot open the lock file {path}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        if (Libc.flock(fd, Libc.LOCK_EX | (wait ? 0 : Libc.LOCK_NB)) == 0)
            return new FileLock(fd);
        Libc.close(fd);
        return null;
    }

    public void Dispose()
    {
        int fd = Interlocked.Exchange(ref _fd, -1);
        if (fd >= 0)
            Libc.close(fd);
    }
}
