using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>delete_file {path}: removes a file or an empty folder (a folder with what is in it only with recursive true).</summary>
public sealed class DeleteFileTool() : WorkspaceTool("delete_file",
    "Delete a file or an empty folder (recursive true: a folder with everything in it).",
    Object(Required("path", "string", "The item: relative to the workspace, or absolute inside the session."),
        Optional("recursive", "boolean", "Also delete a folder that is not empty.")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        if (!await files.RemoveAsync(path, call.Bool("recursive"), call.Cancellation))
            throw new ToolFailure($"delete_file: there is no file or folder at {ToolText.Line(path)}.");
        return new ToolAnswer($"Successfully deleted {ToolText.Line(path)}");
    }
}
