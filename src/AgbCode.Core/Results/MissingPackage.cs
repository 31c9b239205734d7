using System.Text.RegularExpressions;
using AgbCode.Core.Languages;

namespace AgbCode.Core.Results;

/// <summary>
/// A run that failed because the session's image lacks a package, recognized from the error its language raises:
/// Python <c>No module named 'x'</c>, R <c>there is no package called 'x'</c>, Node <c>Cannot find module 'x'</c> (or
/// <c>Cannot find package</c>) for a bare name, Java <c>package x does not exist</c>. It reads only the error's text, so
/// the local engine's results and those an endpoint sends (the AGB wire has only the error's name and text) get the
/// same <see cref="Fix"/>.
/// </summary>
public sealed partial record MissingPackage(string Language, string Name)
{
    /// <summary>What an operator does about it, as the module's error records recommend it.</summary>
    public string Fix =>
        $"The session's image has no {LanguageRules.Get(Language).DisplayName} package '{Name}'. Get-AgbImage lists the packages " +
        "the image has for each language; an operator adds packages as the ADDING PACKAGES section of about_AgbCode " +
        "describes (Get-Help about_AgbCode)." +
        (Language == LanguageRules.R ? "" : $" If '{Name}' is code of your own, copy it into the session first (-InputPath, or Copy-AgbItem -ToSession).");

    /// <summary>The package a failed run missed, or null when its error is not a missing package.</summary>
    public static MissingPackage? Of(EnhancedCodeExecutionResult result) =>
        ModuleOf(result) is { } module && PackageOf(result.Language, module) is { } name ? new MissingPackage(result.Language, name) : null;

    /// <summary>
    /// The module a failed run could not load, as its error names it ("sklearn.linear_model", "./helpers"): a package,
    /// or a file of the program's own. Null when its error is not a missing module.
    /// </summary>
    public static string? ModuleOf(EnhancedCodeExecutionResult result)
    {
        if (result.Success || !Patterns.TryGetValue(result.Language, out Regex? pattern))
            return null;
        foreach (string? text in (string?[])[result.Error?.Value, result.ErrorMessage, result.Error?.Traceback])
        {
            if (!string.IsNullOrEmpty(text) && pattern.Match(text) is { Success: true } match)
                return match.Groups["name"].Value;
        }
        return null;
    }

    /// <summary>The package a missing module belongs to: Python's top-level module, npm's (scoped) package name.</summary>
    private static string? PackageOf(string language, string module)
    {
        if (language == LanguageRules.Python)
            return module.Split('.')[0];
        if (language != LanguageRules.JavaScript)
            return module;
        if (module.StartsWith('.') || module.StartsWith('/') || module.StartsWith("node:", StringComparison.Ordinal))
            return null;   // a file of the program's own, or a built-in module: not a package
        string[] parts = module.Split('/');
        return module.StartsWith('@') && parts.Length > 1 ? $"{parts[0]}/{parts[1]}" : parts[0];
    }

    // Names are matched with a plain character set: they come from the sandbox and end up in a message on a terminal.
    private static readonly Dictionary<string, Regex> Patterns = new()
    {
        [LanguageRules.Python] = PythonPattern(),
        [LanguageRules.R] = RPattern(),
        [LanguageRules.JavaScript] = JavaScriptPattern(),
        [LanguageRules.Java] = JavaPattern(),
    };

    [GeneratedRegex(@"No module named '(?<name>[A-Za-z0-9_.]{1,200})'")]
    private static partial Regex PythonPattern();

    [GeneratedRegex(@"there is no package called [‘'""](?<name>[A-Za-z0-9_.]{1,200})[’'""]")]
    private static partial Regex RPattern();

    [GeneratedRegex(@"Cannot find (?:module|package) '(?<name>[A-Za-z0-9_.@/:-]{1,214})'")]
    private static partial Regex JavaScriptPattern();

    [GeneratedRegex(@"package (?<name>[A-Za-z0-9_.$]{1,200}) does not exist")]
    private static partial Regex JavaPattern();
}
