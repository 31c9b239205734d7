using System.Diagnostics;
using System.Globalization;
using AgbCode.Engine.Platform;
using AgbCode.Engine.Images;

namespace AgbCode.Engine.Sandbox;

/// <summary>
/// Turns a <see cref="SandboxSpec"/> into the launcher command: bash launch.sh (fd sweep, cgroup join, SIGXFSZ ignored,
/// seccomp on fd 7, bwrap's arguments on fd 8) → setsid → prlimit → [root: setpriv to the session uid] → bwrap with every
/// namespace, a read-only /usr, a minimal /etc, the session's /tmp (or a sized private tmpfs), a sized tmpfs /dev/shm and
/// the workspace as home. Started with an empty environment. What the sandbox could learn about the host from /proc is
/// cut down: its arguments (/proc/1/cmdline) travel on a pipe; the runtime it sees comes from the engine's runtime view
/// (a tmpfs, not under the engine's state path) and its volumes are mounted under a neutral device name
/// (/proc/self/mountinfo); /proc/partitions and /proc/diskstats (every session's volume, with live I/O counters) are empty.
/// </summary>
internal sealed class SandboxLauncher(RuntimeFiles runtime, RuntimeFiles? runtimeView, bool disableUserns)
{
    public const string Home = "/home/sandbox";
    public const string DriversMount = "/opt/agbcode";
    private const long MaxShmBytes = 64L * 1024 * 1024;

    private static readonly string[] CommonEtc = ["/etc/alternatives", "/etc/ld.so.cache", "/etc/localtime", "/etc/fonts"];

    /// <summary>Host-wide facts /proc would tell every sandbox; an empty file is bound over each.</summary>
    private static readonly string[] HiddenProcFiles = ["/proc/partitions", "/proc/diskstats"];

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
        yield return spec.Uid is null ? "-" : runtime.NetworkScratch;
        yield return runtime.Path;
        foreach (string network in SandboxNetwork.LauncherArguments(spec.Network))
            yield return network;
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
            .. SandboxNetwork.Namespaces(spec.Network), "--unshare-user", "--uid", "1000", "--gid", "1000", "--hostname", "sandbox",
            "--new-session", "--die-with-parent", "--clearenv",
        ];
        if (disableUserns)
            args.Add("--disable-userns");
        Dictionary<string, string> environment = SandboxEnvironment.Sandboxed(Home);
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
        args.AddRange(SandboxNetwork.EtcArguments(spec.Network));
        RuntimeFiles seen = Seen(spec);
        args.AddRange(["--ro-bind", seen.Passwd, "/etc/passwd", "--ro-bind", seen.Group, "/etc/group",
            "--ro-bind", seen.DriversDir, DriversMount,
            "--proc", "/proc"]);
        args.AddRange(ImageMount(spec));
        foreach (string hidden in HiddenProcFiles)
            args.AddRange(["--ro-bind", seen.Empty, hidden]);
        args.AddRange(["--dev", "/dev"]);
        if (spec.TmpPath is string tmp)
            args.AddRange(["--bind", tmp, "/tmp"]);
        else
            args.AddRange(["--size", spec.Limits.TmpBytes.ToString(CultureInfo.InvariantCulture), "--tmpfs", "/tmp"]);
        args.AddRange([
            "--size", Math.Min(spec.Limits.TmpBytes, MaxShmBytes).ToString(CultureInfo.InvariantCulture), "--tmpfs", "/dev/shm",
            "--bind", spec.WorkspacePath, Home]);
        foreach (SandboxBind bind in spec.Binds)
            args.AddRange(["--bind", bind.HostPath, bind.SandboxPath]);
        args.AddRange([
            "--chdir", Home,
            "--remount-ro", "/",   // the root bwrap builds (/etc, /opt, /home) is read-only too; /tmp and home stay writable
            "--"]);
        args.AddRange(spec.Command);
        return args;
    }

    /// <summary>The image's extra library folder, read-only like /usr.</summary>
    private static IEnumerable<string> ImageMount(SandboxSpec spec) =>
        spec.ImageFolder is string folder ? ["--ro-bind", folder, CodeImage.Mount] : [];

    /// <summary>
    /// The runtime as this sandbox binds it: a root engine's view (a tmpfs, no host path); a non-root engine binds its
    /// runtime folder itself, a weaker isolation it reports.
    /// </summary>
    private RuntimeFiles Seen(SandboxSpec spec) => spec.Uid is null ? runtime
        : runtimeView ?? throw new InvalidOperationException("A sandbox with a uid of its own needs the engine's runtime view.");
}
