using System.ComponentModel;
using System.Runtime.InteropServices;
using AgbCode.Engine.Native;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// The sandbox's seccomp program: allow by default, deny what namespaces leave reachable (keyrings, io_uring, ptrace,
/// mount and namespace calls, BPF/perf, TIOCSTI/TIOCLINUX, new user namespaces, socket families other than
/// unix/inet/inet6/netlink). Compiled by the host's libseccomp, so arch and x32 checks are libseccomp's.
/// </summary>
internal static partial class SeccompFilter
{
    private const string Library = "libseccomp.so.2";
    private const uint ActAllow = 0x7fff0000;
    private const int CompareEqual = 4, CompareGreaterOrEqual = 5, CompareMaskedEqual = 7;

    private const int EPERM = 1, ENOSYS = 38, EAFNOSUPPORT = 97;
    private const ulong TIOCSTI = 0x5412, TIOCLINUX = 0x541C, CLONE_NEWUSER = 0x10000000;
    private static readonly int[] AllowedSocketFamilies = [0 /* AF_UNSPEC */, 1 /* AF_UNIX */, 2 /* AF_INET */, 10 /* AF_INET6 */, 16 /* AF_NETLINK */];
    private const int FirstUnlistedSocketFamily = 17;

    public static readonly string[] Denied =
    [
        "syslog", "uselib", "acct", "modify_ldt", "quotactl", "add_key", "keyctl", "request_key", "move_pages", "mbind",
        "get_mempolicy", "set_mempolicy", "migrate_pages", "unshare", "setns", "mount", "umount2", "pivot_root", "chroot",
        "perf_event_open", "bpf", "userfaultfd", "kexec_load", "kexec_file_load", "init_module", "finit_module",
        "delete_module", "open_by_handle_at", "name_to_handle_at", "swapon", "swapoff", "reboot", "settimeofday",
        "clock_settime", "clock_adjtime", "adjtimex", "process_vm_readv", "process_vm_writev", "ptrace", "lookup_dcookie",
        "fanotify_init", "nfsservctl",
    ];

    public static readonly string[] NotImplemented =
    [
        "open_tree", "move_mount", "fsopen", "fsconfig", "fsmount", "fspick", "mount_setattr", "clone3",
        "io_uring_setup", "io_uring_enter", "io_uring_register",
    ];

    [StructLayout(LayoutKind.Sequential)]
    private struct ArgCompare
    {
        public uint Arg;
        public int Op;
        public ulong DatumA;
        public ulong DatumB;
    }

    [LibraryImport(Library)] private static partial IntPtr seccomp_init(uint defaultAction);
    [LibraryImport(Library, StringMarshalling = StringMarshalling.Utf8)] private static partial int seccomp_syscall_resolve_name(string name);
    [LibraryImport(Library)] private static partial int seccomp_rule_add_array(IntPtr context, uint action, int syscall, uint count, [In] ArgCompare[]? args);
    [LibraryImport(Library)] private static partial int seccomp_export_bpf(IntPtr context, int fd);
    [LibraryImport(Library)] private static partial void seccomp_release(IntPtr context);

    public static bool IsAvailable => NativeLibrary.TryLoad(Library, out IntPtr handle) && Free(handle);

    private static bool Free(IntPtr handle)
    {
        NativeLibrary.Free(handle);
        return true;
    }

    /// <summary>Compiles the program and writes it to <paramref name="path"/> (mode 0644).</summary>
    public static void WriteTo(string path)
    {
        IntPtr context = seccomp_init(ActAllow);
        if (context == IntPtr.Zero)
            throw new InvalidOperationException("libseccomp could not create a filter context.");
        try
        {
            foreach (string name in Denied)
                Add(context, Errno(EPERM), name);
            foreach (string name in NotImplemented)
                Add(context, Errno(ENOSYS), name);
            Add(context, Errno(EPERM), "ioctl", Masked(1, 0xFFFFFFFF, TIOCSTI));
            Add(context, Errno(EPERM), "ioctl", Masked(1, 0xFFFFFFFF, TIOCLINUX));
            Add(context, Errno(EPERM), "clone", Masked(0, CLONE_NEWUSER, CLONE_NEWUSER));
            for (int family = 0; family < FirstUnlistedSocketFamily; family++)
                if (!AllowedSocketFamilies.Contains(family))
                    Add(context, Errno(EAFNOSUPPORT), "socket", new ArgCompare { Arg = 0, Op = CompareEqual, DatumA = (ulong)family });
            Add(context, Errno(EAFNOSUPPORT), "socket", new ArgCompare { Arg = 0, Op = CompareGreaterOrEqual, DatumA = FirstUnlistedSocketFamily });
            Export(context, path);
        }
        finally
        {
            seccomp_release(context);
        }
    }

    private static uint Errno(int errno) => 0x00050000u | (uint)(errno & 0xffff);

    private static ArgCompare Masked(uint arg, ulong mask, ulong value) =>
        new() { Arg = arg, Op = CompareMaskedEqual, DatumA = mask, DatumB = value };

    private static void Add(IntPtr context, uint action, string syscall, params ArgCompare[] comparisons)
    {
        int number = seccomp_syscall_resolve_name(syscall);
        if (number < 0)
            return;   // this architecture has no such call
        int rc = seccomp_rule_add_array(context, action, number, (uint)comparisons.Length, comparisons.Length == 0 ? null : comparisons);
        if (rc < 0)
            throw new InvalidOperationException($"libseccomp refused the rule for {syscall}: {new Win32Exception(-rc).Message}");
    }

    private static void Export(IntPtr context, string path)
    {
        // Engines starting at the same time each write their own copy, then rename it over the shared path.
        string temporary = $"{path}.{Environment.ProcessId}-{Guid.NewGuid():N}.new";
        int fd = Libc.open(temporary, Libc.O_RDWR | Libc.O_CREAT | Libc.O_CLOEXEC, 0b110_100_100);
        if (fd < 0)
            throw new IOException($"Cannot write the seccomp program to {temporary}: {new Win32Exception(Marshal.GetLastPInvokeError()).Message}");
        int rc;
        try
        {
            rc = seccomp_export_bpf(context, fd);
        }
        finally
        {
            Libc.close(fd);
        }
        if (rc < 0)
        {
            File.Delete(temporary);
            throw new InvalidOperationException($"libseccomp could not export the filter: {new Win32Exception(-rc).Message}");
        }
        File.Move(temporary, path, overwrite: true);
    }
}
