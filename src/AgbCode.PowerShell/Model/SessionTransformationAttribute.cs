using System.Collections;
using System.Management.Automation;

namespace AgbCode.PowerShell.Model;

/// <summary>
/// Lets -Session take a session's id or name as well as a session object, and refuses $null: an empty variable (a
/// function that skipped New-AgbSession under -WhatIf) must not silently mean "a fresh session". An id or name is
/// looked up when the cmdlet runs (<see cref="Sessions.Resolve"/>), so one that names nothing is AgbSessionNotFound.
/// </summary>
[AttributeUsage(AttributeTargets.Property)]
public sealed class SessionTransformationAttribute : ArgumentTransformationAttribute
{
    public override object Transform(EngineIntrinsics engineIntrinsics, object? inputData) =>
        Unwrapped(inputData) is IList list ? list.Cast<object?>().Select(One).ToArray() : One(inputData);

    private static object One(object? inputData) => Unwrapped(inputData) switch
    {
        null => throw new ArgumentTransformationMetadataException(
            "-Session is $null: the variable meant to hold a session is empty (was New-AgbSession skipped, e.g. by -WhatIf?). " +
            "Pass a session, its id or its name; leave -Session out to run in a fresh session."),
        string idOrName => AgbSession.Named(idOrName),
        _ => inputData!,
    };

    private static object? Unwrapped(object? value) => value is PSObject wrapped ? wrapped.BaseObject : value;
}
