using System.Text.RegularExpressions;
using AgbCode.Core.Errors;

namespace AgbCode.Core.Contexts;

/// <summary>The one rule for a context's name: 1–64 letters, digits, '.', '_' or '-', starting with a letter or digit.</summary>
public static partial class ContextNames
{
    public static bool IsValid(string? name) => name is not null && Pattern().IsMatch(name);

    public static string Check(string? name) => IsValid(name) ? name! : throw new AgbException(AgbErrorKind.BadInput,
        ContextErrors.BadNameId,
        $"'{Display.InertText.OneLine(name ?? "", 80)}' is not a context name: use 1 to 64 letters, digits, '.', '_' or '-', starting with a letter or digit.",
        "Pick a name such as 'datasets' or 'pip-cache'.");

    [GeneratedRegex("^[A-Za-z0-9][A-Za-z0-9._-]{0,63}$", RegexOptions.CultureInvariant)]
    private static partial Regex Pattern();
}
