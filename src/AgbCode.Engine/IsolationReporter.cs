using System.Globalization;
using AgbCode.Core.Sessions;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox;

namespace AgbCode.Engine;

/// <summary>States, per protection, what a sandboxed session on this host really gets.</summary>
internal static class IsolationReporter
{
    public static IsolationReport Describe(SessionLimits limits, SandboxSupport support, SandboxNetwork? network, uint? uid, bool diskVolume, bool tmpfs, string? cgroupVersion, string cgroupProblem)
    {
        bool cgroups = cgroupVersion is not null;
        string viaCgroup = $"cgroup {cgroupVersion}";
        string noCgroup = $"not enforced: {cgroupProblem}";
        return new IsolationReport(IsolationMode.Sandbox,
        [
            new("Namespaces", true, $"bubblewrap {support.BwrapVersion}: user, pid, network, ipc, uts, mount and cgroup namespaces; new session"),
            network is null
                ? new("No network", true, "a private network namespace with only loopback")
                : new("Network allow-list", true, $"only {string.Join(", ", network.Access.Open)}; {network.Access.Stack}; {network.Access.Enforcement}"),
            new("Seccomp filter", true, "keyrings, io_uring, ptrace, mount, BPF/perf, TIOCSTI and uncommon socket families denied"),
            new("No nested user namespaces", support.DisableUserns,
                support.DisableUserns ? "bwrap --disable-userns" : "bubblewrap older than 0.8: only the seccomp filter stops them"),
            new("Own host uid", uid is not null,
                uid is uint u ? $"code runs as host uid {u.ToString(CultureInfo.InvariantCulture)}, not root"
                              : $"code runs as the engine's uid {Native.Libc.geteuid()} (engine not root), shared by all its sessions"),
            new("Memory limit", cgroups, cgroups ? $"{Sizes.Format(limits.MemoryBytes)} ({viaCgroup})" : noCgroup),
            new("Process limit", cgroups || uid is not null,
                cgroups ? $"{limits.MaxProcesses} ({viaCgroup} and RLIMIT_NPROC)"
                : uid is not null ? $"{limits.MaxProcesses} (RLIMIT_NPROC of the session's uid)"
                : $"RLIMIT_NPROC only, shared by every process of uid {Native.Libc.geteuid()}"),
            new("CPU limit", cgroups, cgroups ? $"{limits.CpuCores.ToString(CultureInfo.InvariantCulture)} cores ({viaCgroup})" : noCgroup),
            new("Workspace disk cap", diskVolume,
                diskVolume ? $"{Sizes.Format(limits.DiskBytes)} ext4 volume" : "not enforced: needs a root engine (only the per-file cap applies)"),
            new("Tmp size limit", tmpfs,
                tmpfs ? $"{Sizes.Format(limits.TmpBytes)} tmpfs /tmp, one per session (its kernels and file operations share it)"
                      : "not enforced: needs a root engine (the session's /tmp is a folder beside its workspace)"),
            new("File size limit", true, $"{Sizes.Format(limits.FileSizeBytes)} per file (RLIMIT_FSIZE)"),
            new("Open files limit", true, $"{limits.OpenFiles.ToString(CultureInfo.InvariantCulture)} (RLIMIT_NOFILE)"),
            new("Output cap", true, $"{Sizes.Format(limits.OutputBytes)} per run"),
        ]) { Backend = Backend, Network = network?.Access };
    }

    /// <summary>This process's engine, and whether it runs as root (the full protections need it).</summary>
    public static string Backend => Native.Libc.IsRoot
        ? "in-process engine (root)"
        : $"in-process engine as uid {Native.Libc.geteuid().ToString(CultureInfo.InvariantCulture)} (not root)";
}
