using System.Text;
using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// get_file_info {path}: "key: value" lines — name, path, size (bytes), isDirectory (true/false), isFile, type, modTime,
/// mode (as ls shows it) and, for a symbolic link, linkTarget. A missing item is a tool error.
/// </summary>
public sealed class GetFileInfoTool() : WorkspaceTool("get_file_info",
    "Information about a file or folder as key: value lines (name, path, size, isDirectory, isFile, type, modTime, mode).",
    Object(Required("path", "string", "The item: relative to the workspace, or absolute inside the session.")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        WorkspaceItem item = await files.GetItemAsync(path, call.Cancellation)
            ?? throw new ToolFailure($"get_file_info: there is no file or folder at {ToolText.Line(path)}.");
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
