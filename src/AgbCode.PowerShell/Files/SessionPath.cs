using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Cmdlets;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Files;

/// <summary>
/// Paths inside a session: '/'-separated, relative to the workspace ("." is the workspace) or absolute in the sandbox.
/// Wildcards are matched against the session's listings, one path component at a time; hidden names (a leading dot)
/// match only a pattern that starts with a dot, as in Get-ChildItem.
/// </summary>
internal static class SessionPath
{
    public const string Workspace = ".";

    public static string Join(string folder, string name) =>
        folder is "" or Workspace ? name : folder.EndsWith('/') ? folder + name : folder + "/" + name;

    public static string Parent(string path)
    {
        string trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        int slash = trimmed.LastIndexOf('/');
        return slash < 0 ? Workspace : slash == 0 ? "/" : trimmed[..slash];
    }

    public static string Leaf(string path)
    {
        string trimmed = path.Length > 1 ? path.TrimEnd('/') : path;
        return trimmed[(trimmed.LastIndexOf('/') + 1)..];
    }

    public static bool IsHidden(string relativePath) => relativePath.Split('/').Any(p => p.StartsWith('.') && p is not "." and not "..");

    /// <summary>The items that <paramref name="path"/> names in the session; none when nothing matches.</summary>
    public static IReadOnlyList<WorkspaceItem> Resolve(AgbCmdlet cmdlet, IWorkspaceFiles files, string path, bool literal, CancellationToken stop)
    {
        if (literal || !WildcardPattern.ContainsWildcardCharacters(path))
        {
            WorkspaceItem? item = cmdlet.Await(files.GetItemAsync(literal ? path : WildcardPattern.Unescape(path), stop));
            return item is null ? [] : [item];
        }
        string[] parts = path.Split('/', StringSplitOptions.RemoveEmptyEntries);
        List<string> folders = [path.StartsWith('/') ? "/" : Workspace];
        for (int i = 0; i < parts.Length; i++)
        {
            bool last = i == parts.Length - 1;
            if (!WildcardPattern.ContainsWildcardCharacters(parts[i]))
            {
                string name = WildcardPattern.Unescape(parts[i]);
                if (!last)
                {
                    folders = [.. folders.Select(f => Join(f, name))];
                    continue;
                }
                return [.. folders.Select(f => cmdlet.Await(files.GetItemAsync(Join(f, name), stop))).OfType<WorkspaceItem>()];
            }
            var pattern = new WildcardPattern(parts[i], WildcardOptions.CultureInvariant);
            bool hiddenToo = parts[i].StartsWith('.');
            List<WorkspaceItem> matches = [.. folders.SelectMany(f => Listed(cmdlet, files, f, stop))
                .Where(item => pattern.IsMatch(item.Name) && (hiddenToo || !item.Name.StartsWith('.')))];
            if (last)
                return matches;
            folders = [.. matches.Where(m => m.IsDirectory).Select(m => m.Path)];
        }
        return [];
    }

    private static IReadOnlyList<WorkspaceItem> Listed(AgbCmdlet cmdlet, IWorkspaceFiles files, string folder, CancellationToken stop)
    {
        try
        {
            return cmdlet.Await(files.ListAsync(folder, recurse: false, stop));
        }
        catch (AgbException failure) when (failure.Kind == AgbErrorKind.NotFound || failure.ErrorId == WorkspaceErrors.PathConflict)
        {
            return [];   // a folder in the pattern that is missing or a file: nothing below it matches
        }
    }

    public static AgbException NotFound(string path) => new(AgbErrorKind.NotFound, WorkspaceErrors.ItemNotFound,
        $"No item in the session matches '{InertText.OneLine(path)}'.", "Get-AgbChildItem -Session lists what the workspace holds; relative paths start at the workspace.");
}
