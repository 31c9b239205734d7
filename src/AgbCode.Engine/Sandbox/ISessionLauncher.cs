using System.Diagnostics;
using AgbCode.Engine.Kernels;
using AgbCode.Engine.Sandbox.Cgroups;

namespace AgbCode.Engine.Sandbox;

/// <summary>How a session's processes start under its isolation mode: one implementation per mode, chosen once per session.</summary>
internal interface ISessionLauncher
{

    /// <summary>The start of one process of the session (kernel or helper), in <paramref name="cgroup"/> when there is one.</summary>
    ProcessStartInfo StartInfo(KernelContext context, CgroupGroup? cgroup, SessionCommand command);

    /// <summary>The process an interrupt for the driver goes to, given the pid the launcher started; null when it is gone.</summary>
    int? DriverPid(int startedPid, KernelContext context);
}
