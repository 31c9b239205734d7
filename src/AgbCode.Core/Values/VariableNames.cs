using System.Text.RegularExpressions;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Display;

namespace AgbCode.Core.Values;

/// <summary>Which names each language can hold as a variable: an ASCII identifier that is not one of its keywords.</summary>
public static partial class VariableNames
{
    private static readonly HashSet<string> PythonKeywords =
    [
        "False", "None", "True", "and", "as", "assert", "async", "await", "break", "class", "continue", "def", "del", "elif",
        "else", "except", "finally", "for", "from", "global", "if", "import", "in", "is", "lambda", "nonlocal", "not", "or",
        "pass", "raise", "return", "try", "while", "with", "yield",
    ];

    private static readonly HashSet<string> JavaScriptKeywords =
    [
        "await", "break", "case", "catch", "class", "const", "continue", "debugger", "default", "delete", "do", "else", "enum",
        "export", "extends", "false", "finally", "for", "function", "if", "implements", "import", "in", "instanceof",
        "interface", "let", "new", "null", "package", "private", "protected", "public", "return", "static", "super", "switch",
        "this", "throw", "true", "try", "typeof", "var", "void", "while", "with", "yield", "arguments", "eval", "undefined",
        "NaN", "Infinity",
    ];

    private static readonly HashSet<string> JavaKeywords =
    [
        "abstract", "assert", "boolean", "break", "byte", "case", "catch", "char", "class", "const", "continue", "default",
        "do", "double", "else", "enum", "extends", "final", "finally", "float", "for", "goto", "if", "implements", "import",
        "instanceof", "int", "interface", "long", "native", "new", "package", "private", "protected", "public", "return",
        "short", "static", "strictfp", "super", "switch", "synchronized", "this", "throw", "throws", "transient", "try",
        "void", "volatile", "while", "true", "false", "null", "_", "yield",
    ];

    private static readonly HashSet<string> RKeywords =
    [
        "if", "else", "repeat", "while", "function", "for", "in", "next", "break", "TRUE", "FALSE", "NULL", "Inf", "NaN", "NA",
        "NA_integer_", "NA_real_", "NA_character_", "NA_complex_",
    ];

    /// <summary>Names the definitions themselves use (RunDefinitions), which a variable must not hide.</summary>
    private static readonly Dictionary<string, string[]> UsedByDefinitions = new()
    {
        [LanguageRules.Python] = ["__import__", "__file__"],
        [LanguageRules.JavaScript] = ["JSON", "process", "__filename"],
        [LanguageRules.Java] = ["args", "agb$map"],
        [LanguageRules.R] = ["commandArgs"],
    };

    [GeneratedRegex("^[A-Za-z_][A-Za-z0-9_]*$")]
    private static partial Regex PythonName();

    [GeneratedRegex("^[A-Za-z_$][A-Za-z0-9_$]*$")]
    private static partial Regex DollarName();

    // R's syntactic names: a letter, or a dot not followed by a digit, then letters, digits, dots and underscores.
    [GeneratedRegex("^(?:[A-Za-z]|\\.(?![0-9]))[A-Za-z0-9._]*$")]
    private static partial Regex RName();

    private static (Regex Pattern, HashSet<string> Keywords, string Rule) RulesOf(string language) => language switch
    {
        LanguageRules.Python => (PythonName(), PythonKeywords, "letters, digits and _, not starting with a digit"),
        LanguageRules.JavaScript => (DollarName(), JavaScriptKeywords, "letters, digits, _ and $, not starting with a digit"),
        LanguageRules.Java => (DollarName(), JavaKeywords, "letters, digits, _ and $, not starting with a digit"),
        LanguageRules.R => (RName(), RKeywords, "letters, digits, . and _, starting with a letter or a dot not followed by a digit"),
        _ => throw LanguageRules.UnsupportedLanguage(language),
    };

    /// <summary>Throws a bad-input error when <paramref name="name"/> cannot be a variable of the canonical language.</summary>
    public static void Check(string language, string name)
    {
        var (pattern, keywords, rule) = RulesOf(language);
        string display = LanguageRules.Get(language).DisplayName;
        if (!pattern.IsMatch(name))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.InvalidVariableName,
                $"'{InertText.OneLine(name, 80)}' cannot be a variable name in {display}: {display} names are ASCII {rule}.",
                "Rename the key in -Variable, e.g. 'my_value'.");
        if (keywords.Contains(name))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.InvalidVariableName,
                $"'{name}' is a reserved word in {display}; it cannot be a variable name.",
                "Rename the key in -Variable, e.g. 'my_value'.");
        if (UsedByDefinitions[language].Contains(name))
            throw new AgbException(AgbErrorKind.BadInput, RunErrors.InvalidVariableName,
                $"'{name}' cannot be passed as a {display} variable: the definitions of the run's variables and arguments use it.",
                "Rename the key in -Variable; a script's arguments come from -ArgumentList.");
    }
}
