namespace AgbCode.Server.Tools.Files;

/// <summary>The "format" argument of read_file and write_file: text (UTF-8) or binary (base64).</summary>
public enum FileFormat
{
    Text,
    Binary,
}

public static class FileFormats
{
    public static FileFormat Parse(ToolCall call) => call.OptionalString("format") switch
    {
        null or "" or "text" => FileFormat.Text,
        "binary" => FileFormat.Binary,
        string other => throw new ToolFailure($"{call.Tool}: format '{other}' is not text or binary."),
    };
}
