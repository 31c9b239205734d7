using System.Diagnostics;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Sandbox;

/// <summary>Isolation Sandbox: the launcher, namespaces, seccomp, uid, limits and cgroup of <see cref="SandboxLauncher"/>.</summary>
internal sealed class SandboxedSessionLauncher(SandboxLauncher sandbox) : ISessionLauncher
{
    public ProcessStartInfo StartInfo(KernelContext context, CgroupGroup? cgroup, SessionCommand command) =>
        SessionProcessStart.Sandboxed(sandbox, context, cgroup, command);

    /// <summary>The driver sits a few processes below the launcher (bwrap, its init, and pasta with a network).</summary>
    public int? DriverPid(int startedPid, KernelContext context) => SandboxProcesses.DriverPid(startedPid, context.Network is not null);
}
