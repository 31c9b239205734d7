using AgbCode.Core.Files;

namespace AgbCode.Server.Tools.Files;

/// <summary>Everything below a folder, each item with its path relative to the folder, and how to show such a path.</summary>
public static class Subtree
{
    public sealed record Entry(string Relative, WorkspaceItem Item);

    public static async Task<IReadOnlyList<Entry>> ScanAsync(IWorkspaceFiles files, string root, FileToolLimits limits, string tool,
        CancellationToken cancellationToken)
    {
        WorkspaceItem folder = await files.GetItemAsync(root, cancellationToken)
            ?? throw new ToolFailure($"{tool}: there is no folder at {ToolText.Line(root)}.");
        if (!folder.IsDirectory)
            throw new ToolFailure($"{tool}: {ToolText.Line(root)} is a file, not a folder.");
        IReadOnlyList<WorkspaceItem> items = limits.Bounded(await files.ListAsync(root, recurse: true, cancellationToken), tool, ToolText.Line(root));
        string prefix = folder.Path is "" or "." ? "" : folder.Path.TrimEnd('/') + "/";
        return [.. items
            .Where(i => i.Path.StartsWith(prefix, StringComparison.Ordinal) && i.Path.Length > prefix.Length)
            .Select(i => new Entry(i.Path[prefix.Length..], i))
            .OrderBy(e => e.Relative, StringComparer.Ordinal)];
    }

    /// <summary>The path to show for an item below <paramref name="root"/> (the root as the caller wrote it).</summary>
    public static string Show(string root, string relative) => root.EndsWith('/') ? root + relative : $"{root}/{relative}";
}
