using System.Management.Automation;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Lists contexts, newest first; -Name matches names or ids, with wildcards.</summary>
[Cmdlet(VerbsCommon.Get, "AgbContext")]
[OutputType(typeof(ContextInfo))]
public sealed class GetAgbContextCommand : AgbContextCmdlet
{
    [Parameter(Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.ContextNameCompleter))]
    public string[] Name { get; set; } = ["*"];

    protected override void ProcessRecord()
    {
        IReadOnlyList<ContextInfo> all;
        try
        {
            all = Await(Store.ListAsync(StopToken));
        }
        catch (AgbException failure)
        {
            WriteError(ToErrorRecord(failure, Endpoint));
            return;
        }
        foreach (string name in Name)
        {
            var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
            List<ContextInfo> found = [.. all.Where(c => pattern.IsMatch(c.Name) || pattern.IsMatch(c.Id))];
            if (found.Count == 0 && !WildcardPattern.ContainsWildcardCharacters(name))
                WriteError(ToErrorRecord(ContextErrors.NotFound(name), name));   // a wildcard that matches nothing is no error
            foreach (ContextInfo context in found)
                WriteObject(Shown(context));
        }
    }
}
