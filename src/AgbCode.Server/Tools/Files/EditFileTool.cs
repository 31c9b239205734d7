using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// edit_file {path, edits:[{oldText,newText}], dryRun}: each edit replaces the first occurrence of its oldText, in order.
/// All or nothing: an oldText that is not found fails the call and the file is unchanged. dryRun reports without writing.
/// </summary>
public sealed class EditFileTool(FileToolLimits limits) : WorkspaceTool("edit_file",
    "Replace text in a file: each edit replaces the first occurrence of oldText with newText; all edits apply or none.",
    Object(PathArgument("The file to edit"),
        Required("edits", "array", "The edits, in order: objects {oldText, newText}.", "object"),
        Optional("dryRun", "boolean", "Report what would change without writing.")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        IReadOnlyList<(string Old, string New)> edits = Edits(call.Args["edits"]);
        string text = Encoding.UTF8.GetString(await WholeFile.ReadAsync(files, path, 0, limits.ChunkBytes, limits, Name, call.Cancellation));
        foreach ((string old, string replacement) in edits)
        {
            int at = text.IndexOf(old, StringComparison.Ordinal);
            if (at < 0)
                throw new ToolFailure($"edit_file: the text to replace was not found in {ToolText.Line(path)}; nothing was changed. " +
                                      "oldText must match the file exactly, whitespace and line endings included.");
            text = string.Concat(text.AsSpan(0, at), replacement, text.AsSpan(at + old.Length));
        }
        byte[] bytes = Encoding.UTF8.GetBytes(text);
        if (bytes.Length > limits.ChunkBytes)
            throw limits.TooLarge(Name, "the edited file", bytes.Length);
        if (call.Bool("dryRun"))
            return new ToolAnswer($"Dry run: {edits.Count} edit(s) would apply to {ToolText.Line(path)}; nothing was written.");
        await files.WriteAsync(path, bytes, append: false, call.Cancellation);
        return new ToolAnswer($"Successfully applied {edits.Count} edit(s) to {ToolText.Line(path)}");
    }

    private static IReadOnlyList<(string, string)> Edits(JsonNode? node)
    {
        const string shape = "edit_file: 'edits' must be a non-empty array of {oldText, newText} objects with non-empty oldText.";
        if (node is not JsonArray { Count: > 0 } array)
            throw new ToolFailure(shape);
        return [.. array.Select(e => e is JsonObject edit
                && edit["oldText"] is JsonValue o && o.TryGetValue(out string? old) && old.Length > 0
                && edit["newText"] is JsonValue n && n.TryGetValue(out string? replacement)
            ? (old, replacement)
            : throw new ToolFailure(shape))];
    }
}
