using System.Management.Automation;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Model;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Removes sessions: their kernels, sandboxes, workspaces and everything else they hold.</summary>
[Cmdlet(VerbsCommon.Remove, "AgbSession", DefaultParameterSetName = SessionSet, SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Medium)]
[OutputType(typeof(AgbSession))]
public sealed class RemoveAgbSessionCommand : AgbCmdlet
{
    private const string SessionSet = "Session";
    private const string IdSet = "Id";

    /// <summary>Sessions, or their ids or names (wildcards allowed): Remove-AgbSession demo, Remove-AgbSession test-*.</summary>
    [Parameter(Mandatory = true, Position = 0, ParameterSetName = SessionSet, ValueFromPipeline = true)]
    [SupportsWildcards]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [SessionTransformation]
    public AgbSession[] Session { get; set; } = [];

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        IEnumerable<AgbSession?> targets = ParameterSetName == SessionSet
            ? Session.SelectMany(s => Resolve(s, several: true)).DistinctBy(s => s.Id)
            : Id.Select(id => Sessions.Find(id, StopToken) ?? Missing(id));
        foreach (AgbSession? session in targets)
        {
            if (session is null)
                continue;
            string description = session.Name is null ? $"session {session.Id}" : $"session {session.Id} (name '{session.Name}')";
            if (!ShouldProcess(description, "Remove"))
                continue;
            bool removed = Await(session.Space.DeleteSessionAsync(session.Id, StopToken));
            if (!removed)
            {
                Missing(session.Id);
                continue;
            }
            WriteVerbose($"Removed {description}.");
            if (PassThru)
                WriteObject(session);
        }
    }

    private AgbSession? Missing(string id)
    {
        WriteError(ToErrorRecord(Sessions.NotFound(id), id));
        return null;
    }
}
