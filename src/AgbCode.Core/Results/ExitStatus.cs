using System.Globalization;
using System.Text.RegularExpressions;

namespace AgbCode.Core.Results;

/// <summary>
/// A program's own exit: <c>sys.exit(n)</c>, R <c>quit(status = n)</c>, <c>process.exit(n)</c> or
/// <c>process.exitCode = n</c>, <c>System.exit(n)</c>. Code 0 is a success that says nothing; any other code fails the
/// run with the error <c>SystemExit: exit code n</c>, which is also how the code travels over the AGB wire (it has no
/// field of its own), so a client reads it back from the error text.
/// </summary>
public static partial class ExitStatus
{
    public const string ErrorName = "SystemExit";

    /// <summary>What a shell sees: the low 8 bits, so exit(-1) is 255 and exit(256) is 0, as on Linux.</summary>
    public static int Normalize(long code) => (int)(code & 0xFF);

    public static ExecutionError Error(int code) =>
        new() { Name = ErrorName, Value = string.Create(CultureInfo.InvariantCulture, $"exit code {code}") };

    /// <summary>The exit code an error stands for: the engine's own error, or its text inside the AGB wire's executionError.</summary>
    public static int? Of(ExecutionError? error)
    {
        if (error is null)
            return null;
        foreach (string text in (string[])[error.ToString(), error.Value])
        {
            Match match = ErrorText().Match(text);
            if (match.Success && int.TryParse(match.Groups[1].Value, NumberStyles.None, CultureInfo.InvariantCulture, out int code))
                return code;
        }
        return null;
    }

    [GeneratedRegex(@"\ASystemExit: exit code ([0-9]{1,3})\z")]
    private static partial Regex ErrorText();
}
