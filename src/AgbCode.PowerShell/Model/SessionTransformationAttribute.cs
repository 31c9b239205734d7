using System.Management.Automation;
using AgbCode.Core.Errors;

namespace AgbCode.PowerShell.Model;

/// <summary>
/// Lets -Session take a session's id or name as well as a session object, and refuses $null: an empty variable (a
/// function that skipped New-AgbSession under -WhatIf) must not silently mean "a fresh session".
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SessionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object? inputData)
    {
        object? value = inputData is PSObject wrapped ? wrapped.BaseObject : inputData;
        return value switch
        {
            null => throw new ArgumentTransformationMetadataException(
                "-Session is $null: the variable meant to hold a session is empty (was New-AgbSession skipped, e.g. by -WhatIf?). " +
                "Pass a session, its id or its name; leave -Session out to run in a fresh session."),
            string idOrName => Resolve(idOrName),
            _ => inputData!,
        };
    }

    private static AgbSession Resolve(string idOrName)
    {
        try
        {
            return Sessions.FindByIdOrName(idOrName, CancellationToken.None) ?? throw Sessions.NotFound(idOrName);
        }
        catch (AgbException failure)
        {
            throw new ArgumentTransformationMetadataException(failure.MessageWithFix, failure);
        }
    }
}
