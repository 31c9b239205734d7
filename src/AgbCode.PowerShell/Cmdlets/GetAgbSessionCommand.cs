using System.Collections;
using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.PowerShell.Completers;
using AgbCode.PowerShell.Model;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Lists sessions, or finds them by id, by name (wildcards) or by labels.</summary>
[Cmdlet(VerbsCommon.Get, "AgbSession", DefaultParameterSetName = NameSet)]
[OutputType(typeof(AgbSession))]
public sealed class GetAgbSessionCommand : AgbBackendCmdlet
{
    private const string IdSet = "Id";
    private const string NameSet = "Name";

    [Parameter(Mandatory = true, ParameterSetName = IdSet, ValueFromPipelineByPropertyName = true)]
    [Alias("SessionId")]
    [ArgumentCompleter(typeof(SessionIdCompleter))]
    [ValidateNotNullOrEmpty]
    public string[] Id { get; set; } = [];

    [Parameter(Position = 0, ParameterSetName = NameSet)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = ["*"];

    [Parameter]
    public Hashtable? Label { get; set; }

    protected override void ProcessRecord()
    {
        ICodeSpace? named = Endpoint is not null || Environment.GetEnvironmentVariable(Client.AgbEndpoint.EndpointVariable) is { Length: > 0 }
            ? Backend() : null;
        List<AgbSession> sessions = [.. Sessions.All(StopToken, failure => WriteError(ToErrorRecord(failure, null)), named).Where(HasLabels)];
        if (ParameterSetName == IdSet)
        {
            foreach (string id in Id)
            {
                AgbSession? match = sessions.FirstOrDefault(s => string.Equals(s.Id, id, StringComparison.OrdinalIgnoreCase));
                if (match is null)
                    WriteError(ToErrorRecord(Sessions.NotFound(id), id));
                else
                    WriteObject(match);
            }
            return;
        }
        var patterns = Name.Select(n => WildcardPattern.Get(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (AgbSession session in sessions.Where(s => patterns.Any(p => p.IsMatch(s.Name ?? ""))))
            WriteObject(session);
        foreach (string name in Name.Where(n => !WildcardPattern.ContainsWildcardCharacters(n)))
            if (!sessions.Any(s => string.Equals(s.Name, name, StringComparison.OrdinalIgnoreCase)))
                WriteError(ToErrorRecord(new Core.Errors.AgbException(Core.Errors.AgbErrorKind.NotFound, SessionErrors.SessionNotFound,
                    $"There is no session named '{name}'.", "List the sessions with Get-AgbSession."), name));
    }

    private bool HasLabels(AgbSession session)
    {
        if (Label is null)
            return true;
        Hashtable labels = session.Labels;
        return Label.Keys.Cast<object>().All(key =>
            labels.ContainsKey(key.ToString()!) && string.Equals(labels[key.ToString()!]?.ToString(), Label[key]?.ToString(), StringComparison.Ordinal));
    }
}
