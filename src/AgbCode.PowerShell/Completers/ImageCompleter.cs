using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AgbCode.Client;
using AgbCode.Engine.Images;

namespace AgbCode.PowerShell.Completers;

/// <summary>
/// Completes image names: the local engine's (its images folder, read without starting the engine); for a remote
/// endpoint only the AGB code images, since tab completion must not wait on the network (Get-AgbImage -Name * lists its own).
/// </summary>
public sealed class ImageCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        bool remote = fakeBoundParameters.Contains("Endpoint") || !string.IsNullOrEmpty(Environment.GetEnvironmentVariable(AgbEndpoint.EndpointVariable));
        if (!OperatingSystem.IsLinux())
            return [];   // no local engine here, and an endpoint's images are not fetched while typing
        IEnumerable<string> names = remote ? ImageCatalog.BuiltIn : ImageCatalog.FromEnvironment().Names();
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return names.Where(pattern.IsMatch).Select(n => new CompletionResult(n, n, CompletionResultType.ParameterValue, n));
    }
}
