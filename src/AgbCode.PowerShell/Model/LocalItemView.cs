using System.Management.Automation;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Model;

/// <summary>
/// How AgbCode.format.ps1xml shows a local file or folder a copy from a session made (Copy-AgbItem -FromSession and
/// Invoke-AgbCode -OutputPath with -PassThru). Its name, its link's target and the folders under the destination are the
/// session's, so they are shown inert; PowerShell's own FileInfo view would write them to the terminal as they are.
/// </summary>
public static class LocalItemView
{
    /// <summary>The type name put first on such an item, which selects these views; it stays a FileInfo or DirectoryInfo.</summary>
    public const string TypeName = "AgbCode.LocalItem";

    public static PSObject Mark(PSObject item)
    {
        item.TypeNames.Insert(0, TypeName);
        return item;
    }

    /// <summary>The name, with " -> target" for a link, as Get-ChildItem shows it.</summary>
    public static string Name(FileSystemInfo item) => WorkspaceItemView.NameAndLink(item.Name, item.LinkTarget);

    public static string FullName(FileSystemInfo item) => InertText.OneLine(item.FullName);

    /// <summary>The folder the item is in, for the table's group header.</summary>
    public static string Folder(FileSystemInfo item) => InertText.OneLine(Path.GetDirectoryName(item.FullName));
}
