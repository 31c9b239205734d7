using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AgbCode.Core.Languages;

namespace AgbCode.PowerShell.Completers;

/// <summary>Completes -Language with the four canonical names.</summary>
public sealed class LanguageCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return LanguageRules.All
            .Where(l => pattern.IsMatch(l.Name))
            .Select(l => new CompletionResult(l.Name, l.Name, CompletionResultType.ParameterValue, $"{l.DisplayName} ({string.Join(", ", l.Extensions)})"));
    }
}
