using AgbCode.Core.Errors;


namespace AgbCode.Core.Languages;

/// <summary>The AGB language rules: trim and lower-case, resolve aliases, infer from file extensions.</summary>
public static class LanguageRules
{
    public const string Python = "python";
    public const string JavaScript = "javascript";
    public const string Java = "java";
    public const string R = "r";

    public static IReadOnlyList<LanguageInfo> All { get; } =
    [
        new(Java, "Java", [], [".java", ".jsh"]),
        new(JavaScript, "JavaScript", ["js", "node", "nodejs"], [".js", ".mjs", ".cjs"]),
        new(Python, "Python", ["py", "python3"], [".py"]),
        new(R, "R", [], [".r"]),
    ];

    /// <summary>The canonical names, sorted, as the AGB error message lists them.</summary>
    public static string SupportedList { get; } = string.Join(", ", All.Select(l => l.Name).Order(StringComparer.Ordinal));

    public static bool TryNormalize(string? raw, out string canonical)
    {
        string key = (raw ?? "").Trim().ToLowerInvariant();
        LanguageInfo? match = All.FirstOrDefault(l => l.Name == key || l.Aliases.Contains(key));
        canonical = match?.Name ?? "";
        return match is not null;
    }

    /// <summary>Returns the canonical name, or throws the AGB "Unsupported language" error naming the input as typed.</summary>
    public static string Normalize(string? raw) =>
        TryNormalize(raw, out string canonical) ? canonical : throw UnsupportedLanguage(raw);

    public static LanguageInfo Get(string canonical) =>
        All.FirstOrDefault(l => l.Name == canonical) ?? throw UnsupportedLanguage(canonical);

    /// <summary>The language a file's extension implies (case-insensitive), or null.</summary>
    public static string? FromPath(string path)
    {
        string extension = Path.GetExtension(path).ToLowerInvariant();
        return extension.Length == 0 ? null : All.FirstOrDefault(l => l.Extensions.Contains(extension))?.Name;
    }

    public static AgbException UnsupportedLanguage(string? raw) => new(
        AgbErrorKind.BadInput, RunErrors.UnsupportedLanguage,
        $"Unsupported language: {raw ?? ""}. Supported languages are {SupportedList}",
        "Pass one of the supported languages (or an alias: py, python3, js, node, nodejs).");
}
