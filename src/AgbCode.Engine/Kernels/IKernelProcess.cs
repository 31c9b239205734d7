namespace AgbCode.Engine.Kernels;

/// <summary>
/// A started driver as the run controller sees it: its two pipes, its signals and how it ended. <see cref="KernelProcess"/>
/// is the real one (sandboxed or not); tests give the controller a driver of their own over a pipe pair.
/// </summary>
internal interface IKernelProcess : IDisposable
{
    /// <summary>The driver's requests pipe (its stdin).</summary>
    Stream Requests { get; }

    /// <summary>The driver's messages pipe (its stdout).</summary>
    Stream Messages { get; }

    /// <summary>The runtime's own interrupt (SIGINT to the driver), which keeps the kernel's state.</summary>
    void Interrupt();

    /// <summary>Kills the kernel and everything it started; <see cref="ExitAsync"/> then completes.</summary>
    void Kill();

    /// <summary>Takes the processes running now as the kernel's own (called when it is ready).</summary>
    void AdoptCurrentProcesses();

    /// <summary>
    /// Kills every process that is not the kernel's own (what a stopped run left behind). Returns how many, or null when
    /// they kept coming back (the caller then kills the kernel).
    /// </summary>
    int? EndStrays();

    /// <summary>Completes once the process has exited and its diagnostics are read: how it ended.</summary>
    Task<KernelExit> ExitAsync();
}
