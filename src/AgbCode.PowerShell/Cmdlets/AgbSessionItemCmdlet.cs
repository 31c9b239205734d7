using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Files;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>What the cmdlets on a session's items share: the items that paths (wildcards, or literal) name in a session.</summary>
public abstract class AgbSessionItemCmdlet : AgbCmdlet
{
    /// <summary>The property piped workspace items carry their path in; -LiteralPath binds it by name.</summary>
    internal const string PathProperty = "SessionPath";

    /// <summary>A workspace item as it goes down the pipeline: with its path under a name -LiteralPath binds.</summary>
    internal static PSObject Emitted(WorkspaceItem item)
    {
        var wrapped = PSObject.AsPSObject(item);
        wrapped.Properties.Add(new PSNoteProperty(PathProperty, item.Path));
        return wrapped;
    }

    /// <summary>The items each path names; a path that names nothing is an AgbItemNotFound error, and the others go on.</summary>
    internal IEnumerable<WorkspaceItem> Items(IWorkspaceFiles files, IEnumerable<string> paths, bool literal)
    {
        foreach (string path in paths)
        {
            IReadOnlyList<WorkspaceItem> found;
            try
            {
                found = SessionPath.Resolve(this, files, path, literal, StopToken);
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, path));
                continue;
            }
            if (found.Count == 0)
                WriteError(ToErrorRecord(SessionPath.NotFound(path), path));
            foreach (WorkspaceItem item in found)
                yield return item;
        }
    }
}
