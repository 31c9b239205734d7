using AgbCode.Engine.Platform;

namespace AgbCode.Engine.Sandbox;

/// <summary>The host programs the sandbox is built from, by absolute path (never looked up on PATH).</summary>
internal static class Tools
{
    public const string Bash = "/bin/bash";
    public const string Bwrap = "/usr/bin/bwrap";
    public const string Setpriv = "/usr/bin/setpriv";
    public const string Prlimit = "/usr/bin/prlimit";
    public const string Setsid = "/usr/bin/setsid";
    public static string MkfsExt4 => HostCommand.Find("/usr/sbin/mkfs.ext4", "/sbin/mkfs.ext4") ?? "/usr/sbin/mkfs.ext4";
    public static string Chown => HostCommand.Find("/usr/bin/chown", "/bin/chown") ?? "/usr/bin/chown";
    public static string E2fsck => HostCommand.Find("/usr/sbin/e2fsck", "/sbin/e2fsck") ?? "/usr/sbin/e2fsck";
    public static string Losetup => HostCommand.Find("/usr/sbin/losetup", "/sbin/losetup") ?? "/usr/sbin/losetup";
}
