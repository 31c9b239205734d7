using System.Text;
using System.Text.Json.Nodes;
using AgbCode.Core.Files;
using AgbCode.Server.Api;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// list_directory {path}: one "[DIR] name" or "[FILE] name" line per entry, sorted, no . or ..; an empty folder is
/// empty text. Beyond the SDKs, format "json" answers a JSON array of the entries with their exact names, sizes, times,
/// modes and link targets, and recursive true lists everything below (the AgbCode client uses both).
/// </summary>
public sealed class ListDirectoryTool(FileToolLimits limits) : WorkspaceTool("list_directory",
    "List a folder: one [DIR] name or [FILE] name line per entry (format \"json\": a JSON array with sizes and times).",
    Object(PathArgument("The folder"),
        FileFormats.JsonArgument("a JSON array of the entries with exact names, sizes and times"),
        Optional("recursive", "boolean", "With format json: everything below the folder.")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        bool json = FileFormats.WantsJson(call);
        IReadOnlyList<WorkspaceItem> items = limits.Bounded(
            await files.ListAsync(path, json && call.Bool("recursive"), call.Cancellation), Name, ToolText.Line(path));
        // the engine lists a file as itself: one item at the very path asked for (a folder's entries are below it)
        if (items is [{ IsDirectory: false } only] && only.Path == path)
            throw new ToolFailure($"list_directory: {ToolText.Line(path)} is a file, not a folder; use get_file_info or read_file.");
        IEnumerable<WorkspaceItem> sorted = items.OrderBy(i => i.Path, StringComparer.Ordinal);
        if (json)
            return new ToolAnswer(new JsonArray([.. sorted.Select(i => (JsonNode)ItemJson.Of(i))]).ToJsonString(WireJson.Options));
        var text = new StringBuilder();
        foreach (WorkspaceItem item in sorted)
            text.Append(item.IsDirectory ? "[DIR] " : "[FILE] ").Append(ToolText.Line(item.Name)).Append('\n');
        return new ToolAnswer(text.ToString().TrimEnd('\n'));
    }
}
