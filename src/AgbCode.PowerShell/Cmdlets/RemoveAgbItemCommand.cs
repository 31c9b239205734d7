using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Files;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Files;
using AgbCode.PowerShell.Model;
using AgbCode.Core.Display;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Removes files and folders from a session, as Remove-Item does on disk.</summary>
[Cmdlet(VerbsCommon.Remove, "AgbItem", DefaultParameterSetName = PathSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(void))]
public sealed class RemoveAgbItemCommand : AgbSessionItemCmdlet
{
    private const string PathSet = "Path";
    private const string LiteralPathSet = "LiteralPath";

    [Parameter(Mandatory = true, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [SessionTransformation]
    public AgbSession Session { get; set; } = null!;

    [Parameter(Mandatory = true, Position = 0, ParameterSetName = PathSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Path { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = LiteralPathSet, ValueFromPipelineByPropertyName = true)]
    [Alias(PathProperty)]
    [ValidateNotNullOrEmpty]
    public string[] LiteralPath { get; set; } = [];

    [Parameter]
    public SwitchParameter Recurse { get; set; }

    protected override void ProcessRecord()
    {
        if (Resolve(Session) is not [var session])
            return;
        bool literal = ParameterSetName == LiteralPathSet;
        foreach (WorkspaceItem item in Items(session.Inner.Files, literal ? LiteralPath : Path, literal))
        {
            string what = $"{(item.IsDirectory ? "folder" : "file")} '{InertText.OneLine(item.Path)}' in session {session.Id}";
            if (!ShouldProcess(what, "Remove"))
                continue;
            try
            {
                if (!Await(session.Inner.Files.RemoveAsync(item.Path, Recurse, StopToken)))
                    WriteError(ToErrorRecord(SessionPath.NotFound(item.Path), item.Path));
                else
                    WriteVerbose($"Removed the {what}.");
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, item.Path));
            }
        }
    }
}
