using System.Text;
using System.Text.RegularExpressions;
using AgbCode.Core.Errors;

namespace AgbCode.Core.Sessions;

/// <summary>The rules for a session's environment variables (<see cref="SessionOptions.Environment"/>).</summary>
public static partial class SessionEnvironment
{
    /// <summary>Linux refuses a single argument or environment string longer than 128 KiB (MAX_ARG_STRLEN).</summary>
    public const int MaxEntryBytes = 128 * 1024;
    public const int MaxTotalBytes = 1024 * 1024;

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex Name();

    /// <summary>Throws a bad-input error naming the first entry a kernel's environment cannot hold.</summary>
    public static void Check(IReadOnlyDictionary<string, string> environment)
    {
        long total = 0;
        foreach (var (name, value) in environment)
        {
            if (!Name().IsMatch(name))
                throw Refused($"'{Display.InertText.OneLine(name, 80)}' is not an environment variable name: names are ASCII letters, digits and _, not starting with a digit (no '=', no NUL).",
                    "Rename it in -Environment.");
            if (value is null || value.Contains('\0', StringComparison.Ordinal))
                throw Refused($"The environment variable {name} is null or contains a NUL character, which an environment cannot hold.",
                    "Pass a string without NUL characters (an empty string is allowed).");
            int bytes = Encoding.UTF8.GetByteCount(name) + 1 + Encoding.UTF8.GetByteCount(value);
            if (bytes > MaxEntryBytes)
                throw Refused($"The environment variable {name} is {bytes} bytes; Linux allows at most {MaxEntryBytes} bytes per variable.",
                    "Write large values to a file in the session (Copy-AgbItem) and pass its path instead.");
            total += bytes;
            if (total > MaxTotalBytes)
                throw Refused($"The session's environment is larger than {MaxTotalBytes} bytes.",
                    "Pass fewer or smaller variables; put large data in a file in the session (Copy-AgbItem).");
        }
    }

    private static AgbException Refused(string message, string fix) => new(AgbErrorKind.BadInput, SessionErrors.InvalidEnvironment, message, fix);
}
