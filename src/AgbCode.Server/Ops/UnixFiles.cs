using System.Runtime.InteropServices;

namespace AgbCode.Server.Ops;

/// <summary>The libc calls the local socket needs and .NET does not expose: a group's id and a file's group.</summary>
internal static partial class UnixFiles
{
    /// <summary>The group's id, or null when the system knows no such group.</summary>
    public static uint? GroupId(string name)
    {
        IntPtr entry = getgrnam(name);
        // struct group { char *gr_name; char *gr_passwd; gid_t gr_gid; char **gr_mem; }
        return entry == IntPtr.Zero ? null : (uint)Marshal.ReadInt32(entry, 2 * IntPtr.Size);
    }

    /// <summary>Gives the file to <paramref name="gid"/>, keeping its owner; never follows a symbolic link.</summary>
    public static void SetGroup(string path, uint gid)
    {
        if (lchown(path, uint.MaxValue, gid) != 0)
            throw new IOException($"Could not give {path} to group {gid}: {Marshal.GetPInvokeErrorMessage(Marshal.GetLastPInvokeError())}.");
    }

    [LibraryImport("libc", StringMarshalling = StringMarshalling.Utf8)]
    private static partial IntPtr getgrnam(string name);

    [LibraryImport("libc", SetLastError = true, StringMarshalling = StringMarshalling.Utf8)]
    private static partial int lchown(string path, uint owner, uint group);
}
