using System.Management.Automation;
using AgbCode.Core.Languages;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>
/// When Invoke-AgbCode's first argument (without -Language) is a file to run rather than code: it is one line, and it
/// either names existing files (wildcards allowed: *.py) or ends in a language's extension and holds none of the
/// characters a one-line program needs, like ./x.R. Anything else stays code, and -Language always makes it code.
/// </summary>
internal static class CodePath
{
    private static readonly char[] CodeCharacters = ['\n', '\r', '(', ')', '\'', '"', ';', '=', '{', '}', '<', '>', '|', '$', '`'];

    public static bool NamesFiles(string code, PathIntrinsics paths)
    {
        string candidate = code.Trim();
        if (candidate.Length == 0 || code.Contains('\n'))
            return false;
        if (candidate.IndexOfAny(CodeCharacters) < 0 && LanguageRules.FromPath(candidate) is not null)
            return true;
        try
        {
            return paths.GetResolvedProviderPathFromPSPath(candidate, out ProviderInfo provider) is { Count: > 0 } resolved
                   && provider.Name == "FileSystem" && resolved.All(File.Exists);
        }
        catch (Exception failure) when (failure is ItemNotFoundException or System.Management.Automation.DriveNotFoundException or ProviderNotFoundException
                                        or PSArgumentException or NotSupportedException or IOException or WildcardPatternException)
        {
            return false;
        }
    }
}
