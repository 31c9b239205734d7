using AgbCode.Core.Files;
using static AgbCode.Server.Tools.Schema;

namespace AgbCode.Server.Tools.Files;

/// <summary>
/// search_files {path, pattern, excludePatterns}: every item below path whose name matches (see <see cref="Glob"/>), one
/// path per line (the folder as given joined with the item's relative path); "No matches found" when there is none.
/// An excluded folder's contents are skipped too.
/// </summary>
public sealed class SearchFilesTool(FileToolLimits limits) : WorkspaceTool("search_files",
    "Find files and folders below a folder whose name matches a glob (*.txt) or contains a word; one path per line.",
    Object(PathArgument("The folder to search"),
        Required("pattern", "string", "A glob (*, ?, **) or a word the name contains; case-insensitive."),
        Optional("excludePatterns", "array", "Globs of names or relative paths to leave out.", "string")))
{
    public const string NoMatches = "No matches found";

    protected override async Task<ToolAnswer> RunAsync(ToolCall call, IWorkspaceFiles files)
    {
        string root = call.Path();
        var pattern = new Glob(call.String("pattern"));
        Glob[] excludes = [.. call.Strings("excludePatterns", required: false).Select(p => new Glob(p))];
        var excludedFolders = new List<string>();
        var found = new List<string>();
        foreach (Subtree.Entry entry in await Subtree.ScanAsync(files, root, limits, Name, call.Cancellation))
        {
            if (excludedFolders.Any(f => entry.Relative.StartsWith(f, StringComparison.Ordinal)))
                continue;
            if (excludes.Any(e => e.Matches(entry.Item.Name, entry.Relative)))
            {
                if (entry.Item.IsDirectory)
                    excludedFolders.Add(entry.Relative + "/");
                continue;
            }
            if (pattern.Matches(entry.Item.Name, entry.Relative))
                found.Add(ToolText.Line(Subtree.Show(root, entry.Relative)));
        }
        return new ToolAnswer(found.Count == 0 ? NoMatches : string.Join('\n', found));
    }
}
