using System.Globalization;
using AgbCode.Core.Errors;

namespace AgbCode.Engine.Pool;

/// <summary>
/// How many sessions the engine makes ahead of time, within which budget, and how many removals it lets run behind the
/// caller. The module's engine reads them from the environment (<see cref="FromEnvironment"/>); the server and tests
/// give a fixed size (<see cref="Fixed"/>).
/// </summary>
public sealed record PoolSettings
{
    public const string FloorVariable = "AGBCODE_SPARE_SESSIONS";
    public const string MaxVariable = "AGBCODE_SPARE_MAX";
    public const string MemoryVariable = "AGBCODE_SPARE_MEMORY_MB";
    public const string IdleVariable = "AGBCODE_SPARE_IDLE_SEC";
    public const string StartsVariable = "AGBCODE_SPARE_STARTS";
    public const string RemovalsVariable = "AGBCODE_PENDING_REMOVALS";

    public const int DefaultFloor = 1;
    public const int DefaultMax = 4;
    public const int DefaultMemoryMiB = 512;
    public const int DefaultIdleSec = 30;
    public const int DefaultPendingRemovals = 4;
    private const int MaxSpares = 64;

    /// <summary>Spares always kept for the language asked for last (0 turns the pool off).</summary>
    public int Floor { get; init; }

    /// <summary>The most spares at once, all languages together, while requests come faster than kernels start.</summary>
    public int Max { get; init; }

    /// <summary>The idle memory of all spares together (their cgroups' reading): no spare above the floor is made past it.</summary>
    public long MemoryBytes { get; init; } = DefaultMemoryMiB * 1024L * 1024;

    /// <summary>Spares above the floor are released once their language has had no request for this long.</summary>
    public TimeSpan IdleRelease { get; init; } = TimeSpan.FromSeconds(DefaultIdleSec);

    /// <summary>Spares being made at once (each start is CPU-bound): at most the host's cores.</summary>
    public int ParallelStarts { get; init; } = Environment.ProcessorCount;

    /// <summary>Sessions being removed behind their callers at once; a caller past it waits for one to finish.</summary>
    public int PendingRemovals { get; init; } = DefaultPendingRemovals;

    /// <summary>Exactly <paramref name="size"/> spares whatever the demand (0: none), as the server keeps them.</summary>
    public static PoolSettings Fixed(int size) => new() { Floor = size, Max = size };

    /// <summary>The settings from the AGBCODE_SPARE_* variables; a variable that is set but invalid is refused, naming it.</summary>
    public static PoolSettings FromEnvironment()
    {
        int floor = Read(FloorVariable, DefaultFloor, 0, MaxSpares);
        return new PoolSettings
        {
            Floor = floor,
            Max = floor == 0 ? 0 : Math.Max(floor, Read(MaxVariable, DefaultMax, 0, MaxSpares)),
            MemoryBytes = Read(MemoryVariable, DefaultMemoryMiB, 0, 1 << 20) * 1024L * 1024,
            IdleRelease = TimeSpan.FromSeconds(Read(IdleVariable, DefaultIdleSec, 1, 86_400)),
            ParallelStarts = Read(StartsVariable, Environment.ProcessorCount, 1, Environment.ProcessorCount),
            PendingRemovals = Read(RemovalsVariable, DefaultPendingRemovals, 1, 256),
        };
    }

    private static int Read(string variable, int fallback, int min, int max)
    {
        string? text = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(text))
            return fallback;
        return int.TryParse(text, NumberStyles.None, CultureInfo.InvariantCulture, out int value) && value >= min && value <= max
            ? value
            : throw new AgbException(AgbErrorKind.BadInput, Core.Errors.SessionErrors.PoolSettingInvalid,
                $"{variable} is '{text}', which is not a whole number from {min} to {max}.",
                $"Set {variable} to a number in that range (default {fallback}), or remove it, then start a new PowerShell (the engine reads it once).");
    }
}
