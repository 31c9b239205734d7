using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Files;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Lists the items in a session's workspace (or anywhere its sandbox sees, e.g. /tmp), as Get-ChildItem does.</summary>
[Cmdlet(VerbsCommon.Get, "AgbChildItem", DefaultParameterSetName = PathSet)]
[OutputType(typeof(WorkspaceItem))]
public sealed class GetAgbChildItemCommand : AgbSessionItemCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [SessionTransformation]
    public AgbSession Session { get; set; } = null!;

    [Parameter(Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [SessionPath.Workspace];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias(PathProperty)]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    [SupportsWildcards]
    public string? Filter { get; set; }

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    [Parameter]
    public SwitchParameter Force { get; set; }

    protected override void ProcessRecord()
    {
        if (Resolve(Session) is not [var session])
            return;
        bool literal = ParameterSetName == LiteralPathSet;
        var filter = Filter is null ? null : new WildcardPattern(Filter, WildcardOptions.CultureInvariant);
        foreach (WorkspaceItem found in Items(session.Inner.Files, literal ? LiteralPath : Path, literal))
        {
            IReadOnlyList<WorkspaceItem> items;
            try
            {
                items = found.IsDirectory ? Await(session.Inner.Files.ListAsync(found.Path, Recurse, StopToken)) : [found];
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, found.Path));
                continue;
            }
            foreach (WorkspaceItem item in items)
                if ((Force || !Hidden(item, found)) && (filter is null || filter.IsMatch(item.Name)))
                    WriteObject(Emitted(item));
        }
    }

    /// <summary>Hidden below the folder being listed: a dot name, or inside a dot folder (as Get-ChildItem without -Force).</summary>
    private static bool Hidden(WorkspaceItem item, WorkspaceItem listed) =>
        item != listed && SessionPath.IsHidden(item.Path.StartsWith(listed.Path + "/", StringComparison.Ordinal) ? item.Path[(listed.Path.Length + 1)..] : item.Name);
}
