using System.Management.Automation;
using AgbCode.Core.Errors;
using AgbCode.Core.Languages;
using AgbCode.Core.Sessions;

namespace AgbCode.PowerShell.Cmdlets;

/// <summary>Lists the languages with their aliases and extensions, and whether the backend can run each.</summary>
[Cmdlet(VerbsCommon.Get, "AgbLanguage")]
[OutputType(typeof(AgbLanguage))]
public sealed class GetAgbLanguageCommand : AgbBackendCmdlet
{
    [Parameter(Position = 0)]
    [SupportsWildcards]
    public string[] Name { get; set; } = ["*"];

    protected override void EndProcessing()
    {
        IReadOnlyList<LanguageSupport> support;
        string location;
        try
        {
            ICodeSpace space = Backend();
            location = space.Location;
            support = Await(space.GetLanguagesAsync(StopToken));
        }
        catch (AgbException failure)
        {
            // Not knowing what the backend can run is a failure to report, never a list of languages marked unavailable.
            WriteError(ToErrorRecord(failure, Endpoint ?? System.Environment.GetEnvironmentVariable(Client.AgbEndpoint.EndpointVariable)));
            return;
        }
        var patterns = Name.Select(n => new WildcardPattern(n, WildcardOptions.IgnoreCase)).ToList();
        foreach (LanguageInfo language in LanguageRules.All)
        {
            if (!patterns.Any(p => p.IsMatch(language.Name) || language.Aliases.Any(p.IsMatch)))
                continue;
            LanguageSupport? status = support.FirstOrDefault(s => s.Language == language.Name);
            WriteObject(new AgbLanguage(language.Name, language.DisplayName, language.Aliases, language.Extensions,
                status?.Available ?? false, status?.Runtime, status?.Reason, location));
        }
    }
}

/// <summary>A language as Get-AgbLanguage shows it.</summary>
public sealed record AgbLanguage(string Name, string DisplayName, IReadOnlyList<string> Aliases, IReadOnlyList<string> Extensions,
    bool Available, string? Runtime, string? Reason, string Backend);
