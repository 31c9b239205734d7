using AgbCode.Core.Errors;

namespace AgbCode.Core.Sessions;

/// <summary>Per-session limits. The defaults are the design's secure defaults; every one can be overridden.</summary>
public sealed record SessionLimits
{
    public const long MiB = 1024 * 1024;
    public const long GiB = 1024 * MiB;

    /// <summary>Memory for all the session's processes together (cgroup).</summary>
    public long MemoryBytes { get; init; } = 1 * GiB;
    /// <summary>Processes and threads for all the session's processes together.</summary>
    public int MaxProcesses { get; init; } = 256;
    /// <summary>CPU time as a number of cores (cgroup quota).</summary>
    public double CpuCores { get; init; } = 1.0;
    /// <summary>Size of the workspace volume.</summary>
    public long DiskBytes { get; init; } = 1 * GiB;
    /// <summary>Largest single file (RLIMIT_FSIZE).</summary>
    public long FileSizeBytes { get; init; } = 256 * MiB;
    /// <summary>Open files per process (RLIMIT_NOFILE).</summary>
    public int OpenFiles { get; init; } = 1024;
    /// <summary>Output (stdout, stderr and rich results) kept per run; the rest is cut with a marker.</summary>
    public long OutputBytes { get; init; } = 10 * MiB;
    /// <summary>Size of the session's /tmp: one tmpfs shared by its kernels and file operations (memory-backed, counted in the memory limit).</summary>
    public long TmpBytes { get; init; } = 128 * MiB;
    /// <summary>How long an interrupted run may take to stop before its kernel is killed.</summary>
    public TimeSpan InterruptGrace { get; init; } = TimeSpan.FromSeconds(2);
    /// <summary>
    /// How long the session's file helper (a process in its sandbox that serves file operations) stays alive without an
    /// operation; while alive it holds a few MiB of the session's memory. Zero starts a helper for every operation.
    /// </summary>
    public TimeSpan FileHelperIdleTimeout { get; init; } = TimeSpan.FromSeconds(30);

    public static SessionLimits Default { get; } = new();

    /// <summary>Throws a bad-input error naming the first limit that is out of range.</summary>
    public SessionLimits Validated()
    {
        Require(MemoryBytes >= 64 * MiB, "MemoryBytes", "at least 64 MiB");
        Require(MaxProcesses >= 16, "MaxProcesses", "at least 16 (runtimes start several threads)");
        Require(CpuCores is >= 0.05 and <= 1024, "CpuCores", "between 0.05 and 1024");
        Require(DiskBytes >= 16 * MiB, "DiskBytes", "at least 16 MiB");
        Require(FileSizeBytes >= 1 * MiB, "FileSizeBytes", "at least 1 MiB");
        Require(OpenFiles is >= 64 and <= 1 << 20, "OpenFiles", "between 64 and 1048576");
        Require(OutputBytes >= 1024, "OutputBytes", "at least 1 KiB");
        Require(TmpBytes >= 1 * MiB, "TmpBytes", "at least 1 MiB");
        Require(InterruptGrace >= TimeSpan.Zero && InterruptGrace <= TimeSpan.FromMinutes(5), "InterruptGrace", "between 0 and 5 minutes");
        Require(FileHelperIdleTimeout >= TimeSpan.Zero && FileHelperIdleTimeout <= TimeSpan.FromHours(1), "FileHelperIdleTimeout", "between 0 and 1 hour");
        return this;
    }

    private static void Require(bool ok, string name, string range)
    {
        if (!ok)
            throw new Errors.AgbException(Errors.AgbErrorKind.BadInput, SessionErrors.InvalidLimit, $"The limit {name} must be {range}.",
                "Pass a value in range, or leave the limit out to get the default.");
    }
}
