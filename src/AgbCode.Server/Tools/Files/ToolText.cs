using System.Globalization;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// How items appear in the line-based answers the SDKs parse. Names come from the sandbox and are hostile: a control
/// character (a newline could forge an entry or a key) is shown as U+FFFD. The JSON answers carry names exactly.
/// </summary>
public static class ToolText
{
    public static string Line(string text)
    {
        if (!text.Any(char.IsControl))
            return text;
        return string.Create(text.Length, text, (span, source) =>
        {
            for (int i = 0; i < source.Length; i++)
                span[i] = char.IsControl(source[i]) ? '\uFFFD' : source[i];
        });
    }

    /// <summary>The refusal for a path with nothing at it (tagged with the engine's id, as the engine's own refusals are).</summary>
    public static ToolFailure Missing(string tool, string path) =>
        new(WorkspaceErrors.Tagged($"{tool}: there is no file or folder at {Line(path)}.", WorkspaceErrors.ItemNotFound));

    public static string Time(DateTimeOffset time) => time.UtcDateTime.ToString("yyyy-MM-dd'T'HH:mm:ss'Z'", CultureInfo.InvariantCulture);

    /// <summary>The item's kind and permissions as ls shows them, e.g. -rw-r--r-- or drwxr-xr-x.</summary>
    public static string Mode(WorkspaceItem item)
    {
        char kind = item.LinkTarget is not null ? 'l' : item.IsDirectory ? 'd' : '-';
        Span<char> bits = stackalloc char[10];
        bits[0] = kind;
        const string rwx = "rwxrwxrwx";
        for (int i = 0; i < 9; i++)
            bits[i + 1] = (item.Mode & (1 << (8 - i))) != 0 ? rwx[i] : '-';
        return new string(bits);
    }

    /// <summary>A path argument as the engine takes it: trailing slashes dropped ("dir/" is "dir"), empty is the workspace.</summary>
    public static string PathArg(string tool, string raw)
    {
        if (raw.Contains('\0'))
            throw new ToolFailure($"{tool}: the path contains a NUL character, which no file name can hold.");
        string trimmed = raw.Length > 1 ? raw.TrimEnd('/') : raw;
        return trimmed.Length == 0 ? (raw.StartsWith('/') ? "/" : ".") : trimmed;
    }
}
