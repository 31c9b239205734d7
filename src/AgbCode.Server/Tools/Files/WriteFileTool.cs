using System.Text;
using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// write_file {path, content, mode}: overwrite (default), append or create_new (fails when the file exists). Beyond the
/// SDKs, format "binary" takes content as base64, so any bytes can be written (the AgbCode client uses it).
/// </summary>
public sealed class WriteFileTool(FileToolLimits limits) : WorkspaceTool("write_file",
    "Write text (or, with format \"binary\", base64 bytes) to a file, creating it and its folders; mode overwrite, append or create_new.",
    Object(PathArgument("The file"),
        Required("content", "string", "The text, or base64 with format \"binary\"."),
        Optional("mode", "string", "overwrite (default), append or create_new."),
        Optional("format", "string", "text (default) or binary (content is base64).")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        string content = call.String("content");
        string mode = call.OptionalString("mode") ?? "overwrite";
        if (mode is not ("overwrite" or "append" or "create_new"))
            throw new ToolFailure($"write_file: mode '{mode}' is not one of overwrite, append, create_new.");
        byte[] bytes = FileFormats.Parse(call) == FileFormat.Binary ? Base64(content) : Encoding.UTF8.GetBytes(content);
        if (bytes.Length > limits.ChunkBytes)
            throw limits.TooLarge(Name, "the content", bytes.Length);
        if (mode == "create_new" && await files.GetItemAsync(path, call.Cancellation) is not null)
            throw new ToolFailure($"write_file: {path} already exists and mode is create_new; use overwrite or append to change it.");
        await files.WriteAsync(path, bytes, append: mode == "append", call.Cancellation);
        return new ToolAnswer($"Successfully wrote {bytes.Length} bytes to {ToolText.Line(path)}");
    }

    private static byte[] Base64(string content)
    {
        try
        {
            return Convert.FromBase64String(content);
        }
        catch (FormatException)
        {
            throw new ToolFailure("write_file: with format \"binary\" the content must be standard base64 (A-Z a-z 0-9 + /, = padding).");
        }
    }
}
