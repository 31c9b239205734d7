using System.Text;
using AgbCode.Server.Api;
using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// get_file_info {path}: "key: value" lines — name, path, size (bytes), isDirectory (true/false), isFile, type, modTime,
/// mode (as ls shows it) and, for a symbolic link, linkTarget. A missing item is a tool error. Beyond the SDKs, format
/// "json" answers the item as <see cref="ItemJson"/> (the AgbCode client uses it: its names are exact).
/// </summary>
public sealed class GetFileInfoTool() : WorkspaceTool("get_file_info",
    "Information about a file or folder as key: value lines (name, path, size, isDirectory, isFile, type, modTime, mode).",
    Object(PathArgument("The item"), FileFormats.JsonArgument("the item as a JSON object with its exact name")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        bool json = FileFormats.WantsJson(call);
        WorkspaceItem item = await files.GetItemAsync(path, call.Cancellation) ?? throw ToolText.Missing(Name, path);
        if (json)
            return new ToolAnswer(ItemJson.Of(item).ToJsonString(WireJson.Options));
        var text = new StringBuilder()
            .Append("name: ").Append(ToolText.Line(item.Name)).Append('\n')
            .Append("path: ").Append(ToolText.Line(path)).Append('\n')
            .Append("size: ").Append(item.Length).Append('\n')
            .Append("isDirectory: ").Append(item.IsDirectory ? "true" : "false").Append('\n')
            .Append("isFile: ").Append(!item.IsDirectory && item.LinkTarget is null ? "true" : "false").Append('\n')
            .Append("type: ").Append(item.LinkTarget is not null ? "symlink" : item.IsDirectory ? "directory" : "file").Append('\n')
            .Append("modTime: ").Append(ToolText.Time(item.LastWriteTime)).Append('\n')
            .Append("mode: ").Append(ToolText.Mode(item));
        if (item.LinkTarget is not null)
            text.Append('\n').Append("linkTarget: ").Append(ToolText.Line(item.LinkTarget));
        return new ToolAnswer(text.ToString());
    }
}
