using AgbCode.Core.Display;
using AgbCode.Core.Results;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// What to do about a run that failed opening a file which is here, beside its script (for -Code, in the current
/// location), and was not sent: a run sends only its code, -InputPath what else it reads.
/// </summary>
internal static class MissingInput
{
    /// <param name="folder">The script's folder (for -Code, the current location): where the code's relative paths point.</param>
    /// <param name="sent">The full paths of the run's -InputPath items.</param>
    /// <param name="script">The script's full path; null for -Code.</param>
    public static string? Fix(EnhancedCodeExecutionResult result, string folder, string currentLocation, IReadOnlyList<string> sent, string? script)
    {
        if (MissingFile.Of(result) is not { } named || Path.IsPathRooted(named))
            return null;
        string local = Path.GetFullPath(Path.Combine(folder, named));
        if (!Within(local, folder) || local == folder || sent.Any(input => local == input || Within(local, input))
            || !(File.Exists(local) || Directory.Exists(local)))
            return null;
        string where = script is null ? "in the current folder" : $"beside {Path.GetFileName(script)}";
        string what = script is null ? "code" : "script";
        return InertText.Of($"'{named}' is {where} here, but a run sends only its {what}: send it with -InputPath {Argument(currentLocation, local)} " +
                            "(a folder goes with all it holds), or copy it into the session first (Copy-AgbItem -ToSession).");
    }

    private static bool Within(string path, string folder) =>
        path.StartsWith(Path.TrimEndingDirectorySeparator(folder) + Path.DirectorySeparatorChar, StringComparison.Ordinal);

    /// <summary>The path as it would be typed at this location: relative when below it, quoted when it must be.</summary>
    private static string Argument(string currentLocation, string path)
    {
        string relative = Path.GetRelativePath(currentLocation, path);
        string typed = relative.StartsWith("..", StringComparison.Ordinal) || Path.IsPathRooted(relative) ? path : "./" + relative;
        return typed.All(c => char.IsAsciiLetterOrDigit(c) || c is '.' or '/' or '_' or '-') ? typed : $"'{typed.Replace("'", "''")}'";
    }
}
