using System.Management.Automation;
using AgbCode.Core.Contexts;
using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>What the context cmdlets share: the backend's context store (chosen once, in BeginProcessing) and the output type.</summary>
public abstract class AgbContextCmdlet : AgbBackendCmdlet
{
    public const string TypeName = "AgbCode.Context";

    private IContextStore? _store;

    internal IContextStore Store => _store!;

    protected override void BeginProcessing()
    {
        try
        {
            _store = Backend().Contexts;
        }
        catch (Exception failure) when (failure is AgbException or NotSupportedException)
        {
            AgbException error = failure as AgbException ?? new AgbException(AgbErrorKind.Platform, Core.Contexts.ContextErrors.NotOfferedId,
                $"This backend has no contexts: {failure.Message}", "Use the local engine or an AgbCode server that offers contexts.");
            ThrowTerminatingError(ToErrorRecord(error, Endpoint));
        }
    }

    internal static PSObject Shown(ContextInfo context)
    {
        var shown = PSObject.AsPSObject(context);
        shown.TypeNames.Insert(0, TypeName);
        return shown;
    }
}
