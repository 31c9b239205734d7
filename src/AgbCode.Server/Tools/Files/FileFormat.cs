namespace AgbCode.Server.Tools.Files;

/// <summary>
/// The "format" argument. Of read_file and write_file: text (UTF-8) or binary (base64). Of list_directory and
/// get_file_info: text (the lines the SDKs parse) or json (exact names, which lines cannot carry; see <see cref="ItemJson"/>).
/// </summary>
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

    public static bool WantsJson(ToolCall call) => call.OptionalString("format") switch
    {
        null or "" or "text" => false,
        "json" => true,
        string other => throw new ToolFailure($"{call.Tool}: format '{ToolText.Line(other)}' is not text or json."),
    };

    public static Schema.Property JsonArgument(string answer) => Schema.Optional("format", "string", $"text (default) or json: {answer}.");
}
