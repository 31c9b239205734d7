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
    private const long DefaultMaxMB = 16 * 1024;
    private const long DefaultMaxEntries = 1_000_000;

    /// <summary>The limits for this process: $env:AGBCODE_MAX_COPY_MB (default 16384), at most 1,000,000 items.</summary>
    public static TransferLimits Current()
    {
        string? setting = Environment.GetEnvironmentVariable(MaxBytesVariable);
        long megabytes = DefaultMaxMB;
        if (!string.IsNullOrWhiteSpace(setting) &&
            (!long.TryParse(setting, NumberStyles.None, CultureInfo.InvariantCulture, out megabytes) || megabytes <= 0 || megabytes > long.MaxValue / (1 << 20)))
            throw new AgbException(AgbErrorKind.BadInput, "AgbInvalidSetting",
                $"${MaxBytesVariable} must be a positive whole number of MiB; it is '{setting}'.", $"Set it to e.g. 16384, or remove it for the default ({DefaultMaxMB}).");
        return new TransferLimits(megabytes << 20, DefaultMaxEntries);
    }

    public AgbException TooLarge(long claimed) => new(AgbErrorKind.BadInput, "AgbCopyTooLarge",
        $"The copy would write more than {MaxBytes >> 20} MiB to this machine (the archive claims at least {claimed >> 20} MiB); nothing more is written.",
        $"Copy fewer or smaller items, or raise the limit: $env:{MaxBytesVariable} = <MiB>.");

    public AgbException TooManyEntries() => new(AgbErrorKind.BadInput, "AgbCopyTooLarge",
        $"The copy holds more than {MaxEntries} items; nothing more is written.", "Copy a folder at a time, or pack the files into one archive in the session first.");
}
