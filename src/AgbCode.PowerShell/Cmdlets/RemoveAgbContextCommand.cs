using System.Management.Automation;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Removes contexts and all their files; one a session has mounted is refused (AgbContextInUse).</summary>
[Cmdlet(VerbsCommon.Remove, "AgbContext", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.High)]
[OutputType(typeof(ContextInfo))]
public sealed class RemoveAgbContextCommand : AgbContextCmdlet
{
    /// <summary>Names or ids, wildcards allowed; piped contexts bind by their Name.</summary>
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [SupportsWildcards]
    [ValidateNotNullOrEmpty]
    [ArgumentCompleter(typeof(Completers.ContextNameCompleter))]
    public string[] Name { get; set; } = [];

    [Parameter]
    public SwitchParameter PassThru { get; set; }

    protected override void ProcessRecord()
    {
        foreach (string name in Name)
        {
            try
            {
                foreach (ContextInfo context in Targets(name))
                {
                    if (context.MountedBy is string holder)
                    {
                        WriteError(ToErrorRecord(ContextErrors.InUse(context.Name, holder), name));   // before asking: it would be refused
                        continue;
                    }
                    if (!ShouldProcess($"context '{context.Name}' ({context.Id}) and all its files", "Remove"))
                        continue;
                    if (!Await(Store.DeleteAsync(context.Id, StopToken)))
                        throw ContextErrors.NotFound(context.Name);
                    WriteVerbose($"Removed context {context.Name} ({context.Id}).");
                    if (PassThru)
                        WriteObject(Shown(context));
                }
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, name));
            }
        }
    }

    /// <summary>A plain name must exist; a wildcard matches what is there (nothing is no error).</summary>
    private IEnumerable<ContextInfo> Targets(string name)
    {
        if (!WildcardPattern.ContainsWildcardCharacters(name))
            return [Await(Store.GetAsync(name, StopToken)) ?? throw ContextErrors.NotFound(name)];
        var pattern = new WildcardPattern(name, WildcardOptions.IgnoreCase);
        return Await(Store.ListAsync(StopToken)).Where(c => pattern.IsMatch(c.Name) || pattern.IsMatch(c.Id));
    }
}
