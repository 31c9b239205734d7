using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>delete_file {path}: removes a file or an empty folder (a folder with what is in it only with recursive true).</summary>
public sealed class DeleteFileTool() : WorkspaceTool("delete_file",
    "Delete a file or an empty folder (recursive true: a folder with everything in it).",
    Object(PathArgument("The item"),
        Optional("recursive", "boolean", "Also delete a folder that is not empty.")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        if (!await files.RemoveAsync(path, call.Bool("recursive"), call.Cancellation))
            throw ToolText.Missing(Name, path);
        return new ToolAnswer($"Successfully deleted {ToolText.Line(path)}");
    }
}
