using System.Management.Automation;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Makes contexts: named, persistent storage that sessions mount (New-AgbSession -Context).</summary>
[Cmdlet(VerbsCommon.New, "AgbContext", SupportsShouldProcess = true, ConfirmImpact = ConfirmImpact.Low)]
[OutputType(typeof(ContextInfo))]
public sealed class NewAgbContextCommand : AgbContextCmdlet
{
    [Parameter(Mandatory = true, Position = 0, ValueFromPipeline = true, ValueFromPipelineByPropertyName = true)]
    [ValidateNotNullOrEmpty]
    public string[] Name { get; set; } = [];

    protected override void ProcessRecord()
    {
        foreach (string name in Name)
        {
            if (!ShouldProcess($"context '{name}'", "Create"))
                continue;
            try
            {
                ContextInfo made = Await(Store.CreateAsync(name, StopToken));
                WriteVerbose($"Created context {made.Name} ({made.Id}, {made.Location}).");
                WriteObject(Shown(made));
            }
            catch (AgbException failure)
            {
                WriteError(ToErrorRecord(failure, name));
            }
        }
    }
}
