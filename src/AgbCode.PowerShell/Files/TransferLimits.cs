using System.Globalization;
using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// How much one copy out of a session may write to this machine. A session's disk is already capped, but what it sends
/// is hostile: the archive's claimed sizes are checked against these bounds (and the free space) before a byte is written.
/// </summary>
internal sealed record TransferLimits(long MaxBytes, long MaxEntries)
{
    public const string MaxBytesVariable = "AGBCODE_MAX_COPY_MB";
    public const string MaxEntriesVariable = "AGBCODE_MAX_COPY_ITEMS";
    private const long DefaultMaxMB = 16 * 1024;
    private const long DefaultMaxEntries = 1_000_000;

    /// <summary>The limits for this process: $env:AGBCODE_MAX_COPY_MB (default 16384) and $env:AGBCODE_MAX_COPY_ITEMS (default 1000000).</summary>
    public static TransferLimits Current() =>
        new(Setting(MaxBytesVariable, DefaultMaxMB, long.MaxValue >> 20) << 20, Setting(MaxEntriesVariable, DefaultMaxEntries, long.MaxValue));

    private static long Setting(string variable, long fallback, long most)
    {
        string? setting = Environment.GetEnvironmentVariable(variable);
        if (string.IsNullOrWhiteSpace(setting))
            return fallback;
        if (long.TryParse(setting, NumberStyles.None, CultureInfo.InvariantCulture, out long value) && value > 0 && value <= most)
            return value;
        throw new AgbException(AgbErrorKind.BadInput, LocalErrors.InvalidSetting,
            $"${variable} must be a positive whole number; it is '{setting}'.", $"Set it to e.g. {fallback}, or remove it for that default.");
    }

    public AgbException TooLarge(long claimed) => new(AgbErrorKind.BadInput, LocalErrors.CopyTooLarge,
        $"The copy would write more than {MaxBytes >> 20} MiB to this machine (the archive claims at least {claimed >> 20} MiB); nothing more is written.",
        $"Copy fewer or smaller items, or raise the limit: $env:{MaxBytesVariable} = <MiB>.");

    public AgbException TooManyEntries() => new(AgbErrorKind.BadInput, LocalErrors.CopyTooLarge,
        $"The copy holds more than {MaxEntries} items; nothing more is written.",
        $"Copy a folder at a time, or raise the limit: $env:{MaxEntriesVariable} = <count>.");
}
