using System.Text;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// read_multiple_files {paths}: one block per file, "&lt;path&gt;:" then its text, blocks separated by a "---" line; a file
/// that cannot be read gives "&lt;path&gt;: Error - &lt;why&gt;". All the files together are bounded by the chunk limit, the
/// number of paths by the listing limit.
/// </summary>
public sealed class ReadMultipleFilesTool(FileToolLimits limits) : WorkspaceTool("read_multiple_files",
    "Read several text files: blocks \"<path>:\" + content, separated by --- lines; unreadable files give \"<path>: Error - ...\".",
    Object(Required("paths", "array", "The files to read.", "string")))
{
    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        IReadOnlyList<string> paths = limits.Bounded(call.Strings("paths", required: true), Name, "the list of paths");
        var blocks = new List<string>();
        int budget = limits.ChunkBytes;
        foreach (string raw in paths)
        {
            string shown = ToolText.Line(raw);
            try
            {
                byte[] data = await WholeFile.ReadAsync(files, ToolText.PathArg(Name, raw), 0, budget, limits, Name, call.Cancellation);
                budget -= data.Length;
                blocks.Add($"{shown}:\n{Encoding.UTF8.GetString(data)}");
            }
            catch (Exception error) when (error is ToolFailure or AgbException { ErrorId: not SessionErrors.SessionClosed })
            {
                blocks.Add($"{shown}: Error - {ToolText.Line(error is AgbException engine ? engine.Message : error.Message)}");
            }
        }
        return new ToolAnswer(string.Join("\n---\n", blocks));
    }
}
