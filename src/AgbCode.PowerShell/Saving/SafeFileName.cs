namespace AgbCode.PowerShell.Saving;

/// <summary>
/// A part of a file name built from text that may come from a sandbox or a remote endpoint (e.g. a result's Language):
/// letters, digits, '.', '_', '+' and '-' stay, anything else (a path separator, a control or bidi character) becomes
/// '_', and so does a leading '.' (no hidden file, no "..": a name is a prefix, an item number and an extension, so it
/// stays in its folder) and prints plainly.
/// </summary>
internal static class SafeFileName
{
    public static string Of(string? text) =>
        string.Create((text ?? "").Length, text ?? "", static (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
                span[i] = IsSafe(source[i]) && !(i == 0 && source[i] == '.') ? source[i] : '_';
        });

    private static bool IsSafe(char c) => char.IsLetterOrDigit(c) || c is '.' or '_' or '+' or '-';
}
