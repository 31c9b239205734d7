using System.Diagnostics;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Sandbox;

/// <summary>Isolation None: the engine's user in the workspace, for trusted code only.</summary>
internal sealed class UnisolatedSessionLauncher : ISessionLauncher
{
    public static readonly UnisolatedSessionLauncher Instance = new();

    public ProcessStartInfo StartInfo(KernelContext context, CgroupGroup? cgroup, SessionCommand command) =>
        SessionProcessStart.Plain(context, command);

    public int? DriverPid(int startedPid, KernelContext context) => startedPid;
}
