using System.Globalization;
using System.Text.Json;
using AgbCode.Client.Parsing;
using AgbCode.Core.Files;

namespace AgbCode.Client.Files;

/// <summary>Reads the file tools' answers into <see cref="WorkspaceItem"/>s: get_file_info lines, list_directory lines or JSON.</summary>
internal static class ItemText
{
    /// <summary>get_file_info's "key: value" lines (split on the first colon, as the Python SDK does).</summary>
    public static WorkspaceItem FromInfo(string text, string path, string sessionId)
    {
        var values = new Dictionary<string, string>(StringComparer.Ordinal);
        foreach (string line in text.Split('\n'))
        {
            int colon = line.IndexOf(':');
            if (colon > 0)
                values[line[..colon].Trim()] = line[(colon + 1)..].Trim();
        }
        string? Value(string key) => values.GetValueOrDefault(key);
        bool isDirectory = string.Equals(Value("isDirectory"), "true", StringComparison.OrdinalIgnoreCase);
        return new WorkspaceItem
        {
            Name = Value("name") ?? LastPart(path),
            Path = path,
            IsDirectory = isDirectory,
            Length = isDirectory ? 0 : long.TryParse(Value("size"), NumberStyles.None, CultureInfo.InvariantCulture, out long size) ? size : 0,
            LastWriteTime = DateTimeOffset.TryParse(Value("modTime"), CultureInfo.InvariantCulture, DateTimeStyles.AssumeUniversal, out DateTimeOffset time) ? time : default,
            Mode = Mode(Value("mode")),
            LinkTarget = Value("linkTarget") is { Length: > 0 } target ? target : null,
            SessionId = sessionId,
        };
    }

    /// <summary>list_directory's JSON answer (the AgbCode server's format "json"), or null when the text is not one.</summary>
    public static IReadOnlyList<WorkspaceItem>? FromJsonListing(string text, string sessionId)
    {
        if (!text.StartsWith('[') || Json.TryParse(text) is not { ValueKind: JsonValueKind.Array } array)
            return null;
        return [.. array.EnumerateArray().Where(e => e.ValueKind == JsonValueKind.Object).Select(e => FromJson(e, sessionId))];
    }

    /// <summary>get_file_info's JSON answer (the AgbCode server's format "json"), or null when the text is not one.</summary>
    public static WorkspaceItem? FromJsonItem(string text, string sessionId) =>
        Json.TryParse(text) is { ValueKind: JsonValueKind.Object } item ? FromJson(item, sessionId) : null;

    private static WorkspaceItem FromJson(JsonElement e, string sessionId) => new()
    {
        Name = Json.StrOrNull(Json.Get(e, "name")) ?? "",
        Path = Json.StrOrNull(Json.Get(e, "path")) ?? "",
        IsDirectory = Json.Truthy(Json.Get(e, "isDirectory")),
        Length = Json.Get(e, "size") is { ValueKind: JsonValueKind.Number } size && size.TryGetInt64(out long length) ? length : 0,
        LastWriteTime = DateTimeOffset.TryParse(Json.StrOrNull(Json.Get(e, "modTime")), CultureInfo.InvariantCulture,
            DateTimeStyles.AssumeUniversal, out DateTimeOffset time) ? time : default,
        Mode = Json.Int(Json.Get(e, "mode")) ?? 0,
        LinkTarget = Json.String(Json.Get(e, "linkTarget")),
        SessionId = sessionId,
    };

    /// <summary>list_directory's SDK lines: "[DIR] name" and "[FILE] name"; other lines are ignored.</summary>
    public static IEnumerable<(string Name, bool IsDirectory)> FromLines(string text)
    {
        foreach (string raw in text.Split('\n'))
        {
            string line = raw.Trim();
            if (line.StartsWith("[DIR]", StringComparison.Ordinal))
                yield return (line[5..].Trim(), true);
            else if (line.StartsWith("[FILE]", StringComparison.Ordinal))
                yield return (line[6..].Trim(), false);
        }
    }

    public static string LastPart(string path) => path.TrimEnd('/') is { Length: > 0 } trimmed ? trimmed[(trimmed.LastIndexOf('/') + 1)..] : path;

    public static string Join(string folder, string name) => folder is "" or "." ? name : folder.EndsWith('/') ? folder + name : $"{folder}/{name}";

    /// <summary>Permission bits from "-rw-r--r--" (ls), "0644" (octal) or a number.</summary>
    private static int Mode(string? text)
    {
        if (string.IsNullOrEmpty(text))
            return 0;
        if (text.Length == 10 && !char.IsDigit(text[0]))
        {
            int bits = 0;
            for (int i = 1; i < 10; i++)
                if (text[i] != '-')
                    bits |= 1 << (9 - i);
            return bits;
        }
        try
        {
            return Convert.ToInt32(text, 8);
        }
        catch (Exception e) when (e is FormatException or OverflowException or ArgumentException)
        {
            return 0;
        }
    }
}
