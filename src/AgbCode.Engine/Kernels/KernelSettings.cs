using AgbCode.Core.Errors;
using AgbCode.Core.Sessions;

namespace AgbCode.Engine.Kernels;

/// <summary>What a run controller needs to know about its kernel: whose it is, its limits, and how to start one.</summary>
internal sealed record KernelSettings
{
    public required string Language { get; init; }
    public required string SessionId { get; init; }
    public required SessionLimits Limits { get; init; }
    /// <summary>How long a cold start may take before the engine gives up on it.</summary>
    public required TimeSpan StartTimeout { get; init; }
    /// <summary>
    /// How long a killed kernel may take to be gone. SIGKILL ends a process stuck in the Linux kernel (uninterruptible
    /// sleep: I/O on a hung file system or device) only when it wakes; until then no fresh kernel starts beside it.
    /// </summary>
    public TimeSpan KillWait { get; init; } = TimeSpan.FromSeconds(30);
    /// <summary>Starts a kernel process; its argument counts the starts (1 for the first).</summary>
    public required Func<int, Task<IKernelProcess>> Launch { get; init; }
    /// <summary>Whether a runtime that died on its own says, in the run's stderr, that it ran out of memory.</summary>
    public Func<string, bool> DiedOfMemory { get; init; } = _ => false;
    /// <summary>The error for a kernel that did not start, given what happened ("exited while starting: …").</summary>
    public required Func<string, AgbException> StartFailed { get; init; }
}
