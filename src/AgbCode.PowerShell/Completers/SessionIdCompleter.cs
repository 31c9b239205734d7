using System.Collections;
using System.Management.Automation;
using System.Management.Automation.Language;
using AgbCode.Core.Errors;
using AgbCode.PowerShell.Model;
using AgbCode.PowerShell.Values;

namespace AgbCode.PowerShell.Completers;

/// <summary>
/// Completes session ids with the sessions this process has, matching their ids or names. Listing a remote endpoint
/// gives up after $env:AGBCODE_COMPLETION_TIMEOUT_SEC (and the client reads at most a bounded number of pages), so a
/// slow or unreachable endpoint never hangs the prompt: completion then offers the sessions listed until then.
/// </summary>
public sealed class SessionIdCompleter : IArgumentCompleter
{
    public const string TimeoutSetting = "AGBCODE_COMPLETION_TIMEOUT_SEC";
    public const int DefaultTimeoutSec = 3;

    public IEnumerable<CompletionResult> CompleteArgument(string commandName, string parameterName, string wordToComplete,
        CommandAst commandAst, IDictionary fakeBoundParameters)
    {
        var pattern = new WildcardPattern((wordToComplete ?? "").Trim('\'', '"') + "*", WildcardOptions.IgnoreCase);
        var found = new List<CompletionResult>();
        try
        {
            using var bound = new CancellationTokenSource(TimeSpan.FromSeconds(ValueSettings.Read(TimeoutSetting, DefaultTimeoutSec, 1, 60)));
            foreach (AgbSession session in Sessions.All(bound.Token))
                if (pattern.IsMatch(session.Id) || (session.Name is not null && pattern.IsMatch(session.Name)))
                    found.Add(new CompletionResult(session.Id, session.Id, CompletionResultType.ParameterValue, session.Name ?? session.Id));
        }
        catch (Exception failure) when (failure is OperationCanceledException or AgbException)
        {
            // A completer has nowhere to report: it offers what it found in time; the cmdlet says what is wrong when it runs.
        }
        return found;
    }
}
