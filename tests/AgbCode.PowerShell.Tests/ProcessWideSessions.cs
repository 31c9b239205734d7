namespace AgbCode.PowerShell.Tests;

/// <summary>
/// Sessions are process-wide (every runspace sees them), so tests that count sessions must not run beside tests that
/// create them: the classes in this collection run one after another.
/// </summary>
[CollectionDefinition(Name)]
public sealed class ProcessWideSessions
{
    public const string Name = "Process-wide sessions";
}
