using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;

namespace AgbCode.PowerShell.Completers;

/// <summary>Completes session ids with the sessions this process has, matching their ids or names.</summary>
public sealed class SessionIdCompleter : IArgumentCompleter
{
    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        return Sessions.All(CancellationToken.None)
            .Where(s => pattern.IsMatch(s.Id) || (s.Name is not null && pattern.IsMatch(s.Name)))
            .Select(s => new CompletionResult(s.Id, s.Id, CompletionResultType.ParameterValue, s.Name ?? s.Id));
    }
}
