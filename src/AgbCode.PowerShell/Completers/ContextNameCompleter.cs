using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AgbCode.Client;
using AgbCode.Engine;

namespace AgbCode.PowerShell.Completers;

/// <summary>
/// Completes context names: the local engine's, read from its state folder without starting it. An endpoint's are not
/// fetched while typing (Get-AgbContext -Endpoint lists them).
/// </summary>
public sealed class ContextNameCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        bool remote = fakeBoundParameters.Contains("Endpoint") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AgbEndpoint.EndpointVariable));
        if (remote || !OperatingSystem.IsLinux())
            return [];
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return LocalCodeSpace.SavedContextNames().Where(pattern.IsMatch)
            .Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
