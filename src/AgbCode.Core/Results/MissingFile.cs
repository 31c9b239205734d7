using System.Text.RegularExpressions;
using AgbCode.Core.Languages;

namespace AgbCode.Core.Results;

/// <summary>
/// The file a failed run could not open, recognized from what its language says: Python <c>No such file or directory:
/// 'x'</c>, Node <c>ENOENT: no such file or directory, open 'x'</c> and an import's <c>Cannot find module '/w/x' imported
/// from /w/</c>, Java <c>NoSuchFileException: x</c> or
/// <c>FileNotFoundException: x (No such file or directory)</c>, R's <c>cannot open file 'x'</c> warning (on stderr,
/// before its error), data.table's and readr's messages. It reads only text, so a local engine's results and an
/// endpoint's are read alike; the caller decides what the name means on its side.
/// </summary>
public static partial class MissingFile
{
    /// <summary>How much of stderr's end is read (R warns there before the error).</summary>
    private const int StderrTail = 64 * 1024;

    /// <summary>The path the run could not open, as the code named it; null when its failure is not a missing file.</summary>
    public static string? Of(EnhancedCodeExecutionResult result)
    {
        if (result.Success || !Patterns.TryGetValue(result.Language, out Regex[]? patterns))
            return null;
        string stderr = result.Stderr;
        string?[] texts = [result.Error?.Value, result.ErrorMessage, result.Error?.Traceback, stderr[Math.Max(0, stderr.Length - StderrTail)..]];
        foreach (string? text in texts)
        {
            if (string.IsNullOrEmpty(text))
                continue;
            foreach (Regex pattern in patterns)
                if (pattern.Match(text) is { Success: true } match)
                    return Relative(match.Groups["path"].Value, match.Groups["base"]);
        }
        return null;
    }

    /// <summary>A path the error names from the folder the code ran in ("imported from /home/x/"), as the code named it.</summary>
    private static string Relative(string path, Group folder) =>
        folder.Success && folder.Value.EndsWith('/') && path.StartsWith(folder.Value, StringComparison.Ordinal) ? path[folder.Value.Length..] : path;

    // A path is a run of characters between a pair of quotes (Python's repr takes " for a name with '; R's are curly),
    // with no control character: it comes from the sandbox.
    private const string Quoted = @"(?:'(?<path>[^'\p{Cc}]{1,1024})'|""(?<path>[^""\p{Cc}]{1,1024})""|‘(?<path>[^’\p{Cc}]{1,1024})’)";

    private static readonly Dictionary<string, Regex[]> Patterns = new()
    {
        [LanguageRules.Python] = [PythonPattern()],
        [LanguageRules.JavaScript] = [NodePattern(), NodeImportPattern()],
        [LanguageRules.Java] = [JavaNioPattern(), JavaIoPattern()],
        [LanguageRules.R] = [RConnectionPattern(), DataTablePattern(), ReadrPattern()],
    };

    [GeneratedRegex(@"No such file or directory: " + Quoted)]
    private static partial Regex PythonPattern();

    [GeneratedRegex(@"ENOENT: no such file or directory, \w+ " + Quoted)]
    private static partial Regex NodePattern();

    [GeneratedRegex(@"Cannot find module " + Quoted + @" imported from (?<base>[^\s'""]{1,1024})")]
    private static partial Regex NodeImportPattern();

    [GeneratedRegex(@"java\.nio\.file\.NoSuchFileException: (?<path>[^\p{Cc}]{1,1024}?)\s*$", RegexOptions.Multiline)]
    private static partial Regex JavaNioPattern();

    [GeneratedRegex(@"java\.io\.FileNotFoundException: (?<path>[^\p{Cc}]{1,1024}?) \(No such file or directory\)")]
    private static partial Regex JavaIoPattern();

    [GeneratedRegex(@"cannot open file " + Quoted + ": No such file or directory")]
    private static partial Regex RConnectionPattern();

    [GeneratedRegex(@"File " + Quoted + " does not exist or is non-readable")]
    private static partial Regex DataTablePattern();

    [GeneratedRegex(Quoted + " does not exist in current working directory")]
    private static partial Regex ReadrPattern();
}
