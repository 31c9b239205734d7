using System.Management.Automation;

namespace AgbCode.PowerShell.Model;

/// <summary>Lets -Session take a session id, or a session's name, as well as a session object.</summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SessionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object inputData)
    {
        object value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        if (value is string id)
            return Sessions.FindByIdOrName(id, CancellationToken.None)
                   ?? throw new ArgumentTransformationMetadataException($"There is no session with id or name '{id}' (or several share that name). List the sessions with Get-AgbSession.");
        return inputData;
    }
}
