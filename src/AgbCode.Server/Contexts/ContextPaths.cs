using AgbCode.Core.Contexts;
using AgbCode.Server.Api;

namespace AgbCode.Server.Contexts;

/// <summary>
/// A file path as the context calls send it (filePath, parentFolderPath): "/" is the context's root, and a path never
/// leaves it. A file-transfer context's paths are the session's own absolute paths, under the same rule.
/// </summary>
public static class ContextPaths
{
    /// <summary>The path's parts below the root; empty for the root itself. "..", "." and control characters are refused.</summary>
    public static string[] Parts(string? path, string parameter)
    {
        string text = path ?? "";
        string[] parts = text.Split('/', StringSplitOptions.RemoveEmptyEntries);
        if (parts.Any(p => p is "." or "..") || text.Any(char.IsControl) || !ContextUrlSigner.CanCarry(text))
            throw new ApiError(400, ContextErrors.BadPathId,
                $"'{AgbCode.Core.Display.InertText.OneLine(text, 200)}' is not a path in a context: '{parameter}' names a file or folder below the context's root, " +
                "with '/' between the parts and no '.' or '..' part (e.g. /data/train.csv).");
        return parts;
    }

    /// <summary>The normalised absolute form: "/" and the parts.</summary>
    public static string Absolute(string? path, string parameter) => "/" + string.Join('/', Parts(path, parameter));

    /// <summary>The path below a folder: <paramref name="root"/> + "/" + the parts (the root itself when there are none).</summary>
    public static string Under(string root, string[] parts) =>
        parts.Length == 0 ? root : root.TrimEnd('/') + "/" + string.Join('/', parts);
}
