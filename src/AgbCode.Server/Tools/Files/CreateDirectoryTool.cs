using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>create_directory {path}: mkdir -p (an existing folder is fine).</summary>
public sealed class CreateDirectoryTool() : WorkspaceTool("create_directory",
    "Make a folder and its missing parents; an existing folder is fine.",
    Object(PathArgument("The folder")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string path = call.Path();
        await files.CreateDirectoryAsync(path, call.Cancellation);
        return new ToolAnswer($"Successfully created directory {ToolText.Line(path)}");
    }
}
