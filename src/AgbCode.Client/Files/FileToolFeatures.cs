using System.Text.Json;
using AgbCode.Client.Parsing;

namespace AgbCode.Client.Files;

/// <summary>
/// What a session's file tools take beyond the SDKs' arguments, read from the tool list's schemas (an AgbCode server
/// declares its extensions there; an AGB endpoint gets the SDKs' calls): how many bytes one call may move (read_file's
/// "length" maximum; else <see cref="AgbClientOptions.FileChunkBytes"/>), base64 writes (write_file "format"), JSON
/// answers with exact names (get_file_info "format") and deleting a folder in one call (delete_file "recursive").
/// </summary>
internal sealed record FileToolFeatures(int ChunkBytes, bool BinaryWrites, bool JsonInfo, bool RecursiveDelete)
{
    public static FileToolFeatures From(IReadOnlyList<McpTool> tools, AgbClientOptions options)
    {
        JsonElement? Argument(string tool, string name) =>
            Json.Get(Json.Get(tools.FirstOrDefault(t => t.Name == tool)?.InputSchema, "properties"), name);
        long? advertised = Argument("read_file", "length") is { } length && Json.Get(length, "maximum") is { ValueKind: JsonValueKind.Number } maximum
            && maximum.TryGetInt64(out long bytes) ? bytes : null;
        int chunk = advertised is long most ? (int)Math.Clamp(most, AgbClientOptions.MinFileChunkBytes, AgbClientOptions.MaxFileChunkBytes) : options.FileChunkBytes;
        return new FileToolFeatures(chunk, Argument("write_file", "format") is not null, Argument("get_file_info", "format") is not null,
            Argument("delete_file", "recursive") is not null);
    }
}
