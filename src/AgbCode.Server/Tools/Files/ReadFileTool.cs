using System.Text;
using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// read_file {path, offset, length, format}: offset and length in bytes (length 0 or absent: to the end); format
/// "binary" answers base64. One call answers at most the chunk limit. Text windows are cut on character boundaries.
/// </summary>
public sealed class ReadFileTool(FileToolLimits limits) : WorkspaceTool("read_file",
    "Read a file as text, or with format \"binary\" as base64; offset and length are in bytes (length 0: to the end).",
    Object(PathArgument("The file"),
        Optional("offset", "integer", "First byte to read (default 0)."),
        Optional("length", "integer", "Bytes to read (default 0: to the end of the file); the maximum is the most one call moves.") with { Maximum = limits.TransferBytes },
        Optional("format", "string", "text (default) or binary (the answer is base64).")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        long offset = call.Long("offset", 0, 0, long.MaxValue);
        long length = call.Long("length", 0, 0, long.MaxValue);
        FileFormat format = FileFormats.Parse(call);
        if (length > limits.ChunkBytes)
            throw limits.TooLarge(Name, "the length asked for", length);
        byte[] data;
        if (length == 0)
            data = await WholeFile.ReadAsync(files, path, offset, limits.ChunkBytes, limits, Name, call.Cancellation);
        else if (format == FileFormat.Binary)
            data = await files.ReadAsync(path, offset, (int)length, call.Cancellation);
        else
            data = Utf8Window.Cut(await files.ReadAsync(path, offset, (int)length + Utf8Window.Lookahead, call.Cancellation), offset, (int)length).ToArray();
        return new ToolAnswer(format == FileFormat.Binary ? Convert.ToBase64String(data) : Encoding.UTF8.GetString(data));
    }
}
