using AgbCode.Core.Display;
using AgbCode.Core.Languages;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// What to do about a run that failed opening a file which is here, beside its script (for -Code, in the current
/// location), or importing a module of its own that is there, and was not sent: a run sends only its code, -InputPath
/// what else it reads.
/// </summary>
internal static class MissingInput
{
    /// <param name="folder">The script's folder (for -Code, the current location): where the code's relative paths point.</param>
    /// <param name="sent">The full paths of the run's -InputPath items.</param>
    /// <param name="script">The script's full path; null for -Code.</param>
    public static string? Fix(EnhancedCodeExecutionResult result, string folder, string currentLocation, IReadOnlyList<string> sent, string? script)
    {
        foreach (string named in Candidates(result))
        {
            if (Path.IsPathRooted(named))
                continue;
            string local = Path.GetFullPath(Path.Combine(folder, named));
            if (LocalPaths.Below(folder, local) is null || sent.Any(input => local == input || LocalPaths.Below(input, local) is not null)
                || !(File.Exists(local) || Directory.Exists(local)))
                continue;
            string where = script is null ? "in the current folder" : $"beside {Path.GetFileName(script)}";
            string what = script is null ? "code" : "script";
            return InertText.Of($"'{named}' is {where} here, but a run sends only its {what}: send it with -InputPath {Argument(currentLocation, local)} " +
                                "(a folder goes with all it holds), or copy it into the session first (Copy-AgbItem -ToSession).");
        }
        return null;
    }

    /// <summary>
    /// What the run could not find, as paths relative to its folder: the file it could not open, or the files a module
    /// of its own would be (Python's helpers.py or helpers/, Node's ./helpers with the extensions require tries).
    /// </summary>
    private static IEnumerable<string> Candidates(EnhancedCodeExecutionResult result)
    {
        if (MissingFile.Of(result) is { } file)
            yield return file;
        if (MissingPackage.ModuleOf(result) is not { } module)
            yield break;
        if (result.Language == LanguageRules.Python)
        {
            string top = module.Split('.')[0];
            yield return top + ".py";
            yield return top;
        }
        else if (result.Language == LanguageRules.JavaScript && module.StartsWith("./", StringComparison.Ordinal))
        {
            string path = module[2..];
            foreach (string extension in (string[])["", ".js", ".mjs", ".cjs", ".json"])
                yield return path + extension;
        }
    }

    /// <summary>The path as it would be typed at this location: relative when below it, quoted when it must be.</summary>
    private static string Argument(string currentLocation, string path)
    {
        string typed = LocalPaths.Below(currentLocation, path) is { } relative ? "./" + relative : path;
        return typed.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '_' or '-') ? typed : $"'{typed.Replace("'", "''")}'";
    }
}
