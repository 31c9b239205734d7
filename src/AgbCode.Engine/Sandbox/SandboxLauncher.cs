using System.Diagnostics;
using System.Globalization;
using AgbCode.Engine.Host;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// Turns a <see cref="SandboxSpec"/> into the launcher command: bash launch.sh (fd sweep, cgroup join, SIGXFSZ ignored,
/// seccomp on fd 7) → prlimit → setpriv to the session uid → bwrap with every namespace, a read-only /usr, a minimal
/// /etc, the session's /tmp (or a sized private tmpfs), a sized tmpfs /dev/shm and the workspace as home. Started with an empty environment.
/// </summary>
internal sealed class SandboxLauncher(RuntimeFiles runtime, bool disableUserns)
{
    public const string Home = "/home/sandbox";
    public const string DriversMount = "/opt/agbcode";
    private const long MaxShmBytes = 64L * 1024 * 1024;

    private static readonly string[] CommonEtc = ["/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime", "/etc/fonts"];

    public ProcessStartInfo BuildStartInfo(SandboxSpec spec)
    {
        var info = new ProcessStartInfo(Tools.Bash)
        {
            RedirectStandardInput = true,
            RedirectStandardOutput = true,
            RedirectStandardError = true,
            UseShellExecute = false,
            WorkingDirectory = "/",
        };
        info.Environment.Clear();
        foreach (string argument in LauncherArguments(spec))
            info.ArgumentList.Add(argument);
        return info;
    }

    public IEnumerable<string> LauncherArguments(SandboxSpec spec)
    {
        yield return runtime.LaunchScript;
        yield return runtime.SeccompProgram;
        yield return spec.Uid?.ToString(CultureInfo.InvariantCulture) ?? "-";
        yield return spec.Limits.OpenFiles.ToString(CultureInfo.InvariantCulture);
        yield return spec.ProcessLimit.ToString(CultureInfo.InvariantCulture);
        yield return spec.Limits.FileSizeBytes.ToString(CultureInfo.InvariantCulture);
        foreach (string procs in spec.CgroupProcsFiles)
            yield return procs;
        yield return "--";
        foreach (string argument in BwrapArguments(spec))
            yield return argument;
    }

    public IEnumerable<string> BwrapArguments(SandboxSpec spec)
    {
        List<string> args =
        [
            "--unshare-all", "--unshare-user", "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
            "--new-session", "--die-with-parent", "--clearenv",
        ];
        if (disableUserns)
            args.Add("--disable-userns");
        var environment = new Dictionary<string, string>
        {
            ["PATH"] = "/usr/local/bin:/usr/bin:/bin",
            ["HOME"] = Home,
            ["USER"] = "sandbox",
            ["LOGNAME"] = "sandbox",
            ["LANG"] = "C.UTF-8",
            ["TMPDIR"] = "/tmp",
        };
        foreach (var (name, value) in spec.Environment)
            environment[name] = value;
        foreach (var (name, value) in environment)
            args.AddRange(["--setenv", name, value]);

        args.AddRange(["--ro-bind", "/usr", "/usr",
            "--symlink", "usr/bin", "/bin", "--symlink", "usr/sbin", "/sbin", "--symlink", "usr/lib", "/lib"]);
        if (Directory.Exists("/usr/lib64"))
            args.AddRange(["--symlink", "usr/lib64", "/lib64"]);
        foreach (string path in CommonEtc.Concat(spec.ReadOnlyEtc))
            args.AddRange(["--ro-bind-try", path, path]);
        args.AddRange(["--ro-bind", runtime.Passwd, "/etc/passwd", "--ro-bind", runtime.Group, "/etc/group",
            "--ro-bind", runtime.DriversDir, DriversMount,
            "--proc", "/proc", "--dev", "/dev"]);
        if (spec.TmpPath is string tmp)
            args.AddRange(["--bind", tmp, "/tmp"]);
        else
            args.AddRange(["--size", spec.Limits.TmpBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp"]);
        args.AddRange([
            "--size", Math.Min(spec.Limits.TmpBytes, MaxShmBytes).ToString(CultureInfo.InvariantCulture), "--tmpfs", "/dev/shm",
            "--bind", spec.WorkspacePath, Home, "--chdir", Home,
            "--remount-ro", "/",   // the root bwrap builds (/etc, /opt, /home) is read-only too; /tmp and home stay writable
            "--"]);
        args.AddRange(spec.Command);
        return args;
    }
}
