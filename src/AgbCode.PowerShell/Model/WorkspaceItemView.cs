using System.Text;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Files;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Model;

/// <summary>
/// How AgbCode.format.ps1xml shows a workspace item. Names come from a sandbox, so control characters (an escape
/// sequence, a newline) are shown as \xNN and never reach the terminal.
/// </summary>
public static class WorkspaceItemView
{
    /// <summary>The Unix mode as Get-ChildItem shows it on Linux, e.g. "drwxr-xr-x" or "lrwxrwxrwx".</summary>
    public static string Mode(WorkspaceItem item)
    {
        var text = new StringBuilder(item.LinkTarget is not null ? "l" : item.IsDirectory ? "d" : "-");
        for (int shift = 6; shift >= 0; shift -= 3)
        {
            int bits = (item.Mode >> shift) & 7;
            text.Append((bits & 4) != 0 ? 'r' : '-').Append((bits & 2) != 0 ? 'w' : '-').Append((bits & 1) != 0 ? 'x' : '-');
        }
        return text.ToString();
    }

    /// <summary>The name, with " -> target" for a link.</summary>
    public static string Name(WorkspaceItem item) => NameAndLink(item.Name, item.LinkTarget);

    /// <summary>A name and, for a link, " -> target", as Get-ChildItem shows them; both inert.</summary>
    internal static string NameAndLink(string name, string? linkTarget) =>
        InertText.OneLine(name) + (linkTarget is null ? "" : " -> " + InertText.OneLine(linkTarget));

    public static string Path(WorkspaceItem item) => InertText.OneLine(item.Path);

    /// <summary>The folder the item is in, for the table's group header.</summary>
    public static string Folder(WorkspaceItem item) => InertText.OneLine(SessionPath.Parent(item.Path));
}
