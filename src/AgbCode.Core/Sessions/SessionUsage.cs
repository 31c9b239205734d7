namespace AgbCode.Core.Sessions;

/// <summary>
/// What a session's processes use, read at one moment: the memory in use (without page cache the kernel can reclaim at
/// once, as container tools report it) and the CPU time used since the session began; null CPU time when the backend
/// cannot tell. Two readings give a CPU share: (CpuTime₂ − CpuTime₁) / (MeasuredAt₂ − MeasuredAt₁).
/// </summary>
public sealed record SessionUsage(long MemoryBytes, TimeSpan? CpuTime, DateTimeOffset MeasuredAt);
