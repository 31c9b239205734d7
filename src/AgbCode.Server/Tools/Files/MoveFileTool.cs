using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>move_file {source, destination}: renames or moves an item inside the session.</summary>
public sealed class MoveFileTool() : WorkspaceTool("move_file",
    "Move or rename a file or folder inside the session.",
    Object(Required("source", "string", "The item to move."), Required("destination", "string", "Its new path.")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string source = call.Path("source");
        string destination = call.Path("destination");
        await files.MoveAsync(source, destination, call.Cancellation);
        return new ToolAnswer($"Successfully moved {ToolText.Line(source)} to {ToolText.Line(destination)}");
    }
}
