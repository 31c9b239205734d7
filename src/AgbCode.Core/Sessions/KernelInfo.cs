namespace AgbCode.Core.Sessions;

/// <summary>A session's kernel for one language, as seen from outside.</summary>
public sealed record KernelInfo(string Language, KernelState State, int ExecutionCount, string? Runtime);

public enum KernelState
{
    Starting,
    Idle,
    Busy,
    /// <summary>The kernel died or was killed; the next run starts a fresh one.</summary>
    Dead,
}
